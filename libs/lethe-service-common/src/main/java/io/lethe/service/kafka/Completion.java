package io.lethe.service.kafka;

import org.apache.kafka.common.TopicPartition;

/**
 * What the handlers' side of a {@link ContractConsumer} tells its poll thread about one partition
 * (see {@link Completions}). Immutable.
 *
 * @param epoch the partition's epoch when the records were handed out ({@link Partitions})
 * @param offset the offset to commit ({@link Kind#COMMIT}) or to read again ({@link Kind#RETRY})
 * @param fatal the handler's {@link Error} ({@link Kind#FATAL}), else null
 */
record Completion(TopicPartition partition, long epoch, long offset, Kind kind, Throwable fatal) {
  enum Kind {
    /** Commit up to {@code offset} (exclusive). */
    COMMIT,
    /** The batch of a paused partition is done: resume it. */
    DONE,
    /** Rewind to {@code offset} and read it again after the retry delay. */
    RETRY,
    /** A handler threw an {@link Error}: stop the consumer. */
    FATAL
  }

  static Completion commit(TopicPartition tp, long epoch, long offset) {
    return new Completion(tp, epoch, offset, Kind.COMMIT, null);
  }

  static Completion done(TopicPartition tp, long epoch) {
    return new Completion(tp, epoch, -1, Kind.DONE, null);
  }

  static Completion retry(TopicPartition tp, long epoch, long offset) {
    return new Completion(tp, epoch, offset, Kind.RETRY, null);
  }

  static Completion fatal(TopicPartition tp, long epoch, long offset, Error fatal) {
    return new Completion(tp, epoch, offset, Kind.FATAL, fatal);
  }
}
