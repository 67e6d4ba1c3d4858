package io.lethe.format.data;

/** Which partition of a dataset a sample belongs to, as declared by the dataset itself. */
public enum Split {
  /** Training data of the original model; forget and retain sets are carved from it. */
  TRAIN,
  /** Held-out data carved from train subjects' pool for hyperparameter tuning (never test). */
  VALIDATION,
  /** Utility: test accuracy is measured here and nowhere else. */
  TEST,
  /** Non-members for the membership-inference attack: subjects never seen in training. */
  UNSEEN;

  /** Parses a split name case-insensitively, accepting common aliases ("val", "valid"). */
  public static Split parse(String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT);
    switch (t) {
      case "VAL":
      case "VALID":
        return VALIDATION;
      default:
        try {
          return Split.valueOf(t);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "unknown split '" + text + "': expected one of train, validation, test, unseen", e);
        }
    }
  }
}
