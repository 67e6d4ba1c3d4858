package io.lethe.intake.core;

import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.SortedMap;

/**
 * Which models were trained on which data subjects: what turns a deletion event (subjects) into
 * forget requests (models). An interface because the file-backed {@link JsonModelCatalog} is a
 * stand-in: the registry, which knows every model version and its dataset, will back it later.
 * Implementations are called on the event loop and must not block.
 */
public interface ModelCatalog {

  /**
   * The models trained on any of {@code subjectIds}, with the subjects' samples in each model's
   * dataset, and the subjects that no (considered) model knows.
   *
   * @param modelIds restricts the search to these models; {@code null} means every model
   */
  Resolution resolve(Collection<String> subjectIds, Collection<String> modelIds);

  /**
   * The model version a forget request unlearns from, and the dataset it was trained on.
   *
   * @param datasetVersion {@code sha256:<hex>} fingerprint of the training dataset
   */
  record ModelTarget(String modelId, int baseVersion, String datasetId, String datasetVersion) {
    public ModelTarget {
      Objects.requireNonNull(modelId, "modelId");
      Objects.requireNonNull(datasetId, "datasetId");
      Objects.requireNonNull(datasetVersion, "datasetVersion");
    }
  }

  /** One affected model and, per subject of the event it was trained on, that subject's samples. */
  record Affected(ModelTarget model, SortedMap<String, List<String>> samplesBySubject) {}

  /**
   * @param affected one entry per affected model, ordered by model id
   * @param unknownSubjectIds subjects of the event that no considered model was trained on and that
   *     no considered model's dataset has tombstoned, sorted
   * @param forgottenSubjectIds subjects that no considered model still resolves because they are
   *     already tombstoned in its dataset (forgotten earlier), sorted
   */
  record Resolution(
      List<Affected> affected, List<String> unknownSubjectIds, List<String> forgottenSubjectIds) {
    public Resolution {
      affected = List.copyOf(affected);
      unknownSubjectIds = List.copyOf(unknownSubjectIds);
      forgottenSubjectIds = List.copyOf(forgottenSubjectIds);
    }

    /** A resolution by a catalog that keeps no record of forgotten subjects. */
    public Resolution(List<Affected> affected, List<String> unknownSubjectIds) {
      this(affected, unknownSubjectIds, List.of());
    }

    /** Nothing to do and nothing already done: every subject is unknown to every model. */
    public boolean nothingKnown() {
      return affected.isEmpty() && forgottenSubjectIds.isEmpty();
    }
  }
}
