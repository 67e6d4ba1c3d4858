package io.lethe.cli;

import io.lethe.engine.data.UnlearningSplit;
import io.lethe.format.data.ImageDataset;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.Option;

/** Which subjects to forget: named, or a seeded random draw. */
final class ForgetSubjectOptions {
  @Option(
      names = "--forget-subjects",
      split = ",",
      description = "Subject ids to forget, comma-separated (e.g. s0001,s0042).")
  Set<String> subjects = new TreeSet<>();

  @Option(
      names = "--forget-random",
      defaultValue = "0",
      description = "Forget this many training subjects drawn at random (seeded).")
  int random;

  @Option(names = "--forget-seed", defaultValue = "7", description = "Default: ${DEFAULT-VALUE}.")
  long seed;

  Set<String> resolve(ImageDataset dataset) {
    Set<String> out = new TreeSet<>(subjects);
    if (random > 0) {
      out.addAll(UnlearningSplit.pickSubjects(dataset, random, seed));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(
          "say what to forget: --forget-subjects or --forget-random");
    }
    return out;
  }
}
