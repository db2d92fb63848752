package dev.keyledger.edge.config;

/** Where a setting came from, lowest precedence first: a later layer overrides an earlier one. */
public enum Layer {
  /** Built into KeyLedger ({@link ConfigKey}). */
  DEFAULT,
  /** The {@code --config} properties file. */
  FILE,
  /** A {@code KEYLEDGER_*} environment variable ({@link EnvironmentLayer}). */
  ENVIRONMENT,
  /** A command-line flag ({@code --http-port}, {@code --data-dir}, {@code --set key=value}). */
  FLAG
}
