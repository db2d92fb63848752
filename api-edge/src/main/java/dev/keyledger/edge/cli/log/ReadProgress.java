package dev.keyledger.edge.cli.log;

/** Hears how far a bounded read of the log has come, in offsets. */
public interface ReadProgress {

  /** Says nothing: when standard error is not a terminal. */
  ReadProgress NONE =
      new ReadProgress() {
        @Override
        public void advanced(long done, long total) {}

        @Override
        public void finished(long records) {}
      };

  /**
   * Called after each poll.
   *
   * @param done offsets read so far, over every partition read
   * @param total offsets between the partitions' start and the end they had when the read began
   *     (transaction markers included, so slightly more than the events)
   */
  void advanced(long done, long total);

  /**
   * Called once when every partition was read to its end.
   *
   * @param records how many records were read (the events, without transaction markers)
   */
  void finished(long records);
}
