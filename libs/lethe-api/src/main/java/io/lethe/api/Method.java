package io.lethe.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a model version was made. Forget requests and results allow the unlearning methods only
 * ({@code dlfd}, {@code retrain}); manifests also allow {@code train} and {@code import}. New
 * methods are an additive change: add them to the schemas' enums and here.
 */
public enum Method {
  @JsonProperty("train")
  TRAIN,
  @JsonProperty("dlfd")
  DLFD,
  @JsonProperty("retrain")
  RETRAIN,
  /**
   * An original imported from the user's TorchScript module instead of trained (manifests only).
   */
  @JsonProperty("import")
  IMPORT
}
