package dev.keyledger.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * The options of {@link ReplayThroughput} and {@link CliReplayThroughput}. Without arguments: the
 * full form (1,000 tenants, about 200,000 events, 3 runs after one warm-up). {@code --quick} sets
 * the short form (100 tenants, about 20,000 events, one run after one warm-up); the other flags
 * still override it.
 *
 * @param tenants tenants seeded through the fold ({@code --tenants})
 * @param events events the log should hold, about ({@code --events}); the history length per tenant
 *     is derived from it unless {@code --history-length} is given
 * @param historyLength commands per tenant ({@code --history-length}), or 0 to derive it
 * @param runs measured runs; the median is reported ({@code --runs})
 * @param warmups untimed runs before them ({@code --warmup}, default 1)
 * @param partitions partitions of every topic ({@code --partitions}, 12 as in dev)
 * @param json where to write the results as JSON, or null ({@code --json})
 */
record ReplayOptions(
    int tenants, int events, int historyLength, int runs, int warmups, int partitions, Path json) {

  static ReplayOptions full() {
    return new ReplayOptions(1000, 200_000, 0, 3, 1, 12, null);
  }

  static ReplayOptions quick() {
    return new ReplayOptions(100, 20_000, 0, 1, 1, 12, null);
  }

  static ReplayOptions parse(String... args) {
    ReplayOptions base = Arrays.asList(args).contains("--quick") ? quick() : full();
    int tenants = base.tenants;
    int events = base.events;
    int historyLength = base.historyLength;
    int runs = base.runs;
    int warmups = base.warmups;
    int partitions = base.partitions;
    Path json = base.json;
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--quick")) {
        continue;
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      String value = args[++i];
      switch (flag) {
        case "--tenants" -> tenants = Integer.parseInt(value);
        case "--events" -> events = Integer.parseInt(value);
        case "--history-length" -> historyLength = Integer.parseInt(value);
        case "--runs" -> runs = Integer.parseInt(value);
        case "--warmup" -> warmups = Integer.parseInt(value);
        case "--partitions" -> partitions = Integer.parseInt(value);
        case "--json" -> json = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    ReplayOptions options =
        new ReplayOptions(tenants, events, historyLength, runs, warmups, partitions, json);
    if (tenants < 1 || events < tenants * 3 || historyLength < 0 || historyLength == 1) {
      throw new IllegalArgumentException(
          "--tenants >= 1, --events >= 3 x --tenants, --history-length 0 (derive) or >= 2");
    }
    if (runs < 1 || warmups < 0 || partitions < 1) {
      throw new IllegalArgumentException("--runs and --partitions >= 1, --warmup >= 0");
    }
    return options;
  }

  /** The usage line of a harness that takes these options. */
  static String usage(String harness) {
    return "usage: "
        + harness
        + " [--quick] [--tenants 1000] [--events 200000 | --history-length H]"
        + " [--runs 3] [--warmup 1] [--partitions 12] [--json FILE]";
  }
}
