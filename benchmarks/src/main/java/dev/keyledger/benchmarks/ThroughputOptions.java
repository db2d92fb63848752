package dev.keyledger.benchmarks;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The options of {@link FoldThroughput}. Without arguments: the full form. {@code --quick} sets the
 * short form (100 tenants, 1 and 10 DEKs, 5,000 commands, one run after one warm-up); the other
 * flags still override it.
 *
 * @param deks DEKs per tenant, one measurement point each ({@code --deks 1,100,1000})
 * @param tenants tenants seeded per point ({@code --tenants})
 * @param commands usage commands per measured run ({@code --commands})
 * @param runs runs per point and guarantee; the median is reported ({@code --runs})
 * @param warmups untimed runs before them, to let the JIT settle ({@code --warmup}, default 1)
 * @param guarantees processing guarantees ({@code --guarantee exactly_once_v2,at_least_once})
 * @param partitions partitions of every topic ({@code --partitions}, 12 as in dev)
 * @param json where to write the results as JSON, or null ({@code --json})
 */
record ThroughputOptions(
    List<Integer> deks,
    int tenants,
    int commands,
    int runs,
    int warmups,
    List<String> guarantees,
    int partitions,
    Path json) {

  static final List<String> GUARANTEES = List.of("exactly_once_v2", "at_least_once");

  static ThroughputOptions full() {
    return new ThroughputOptions(List.of(1, 100), 1000, 50_000, 3, 1, GUARANTEES, 12, null);
  }

  static ThroughputOptions quick() {
    return new ThroughputOptions(List.of(1, 10), 100, 5_000, 1, 1, GUARANTEES, 12, null);
  }

  static ThroughputOptions parse(String... args) {
    ThroughputOptions base = Arrays.asList(args).contains("--quick") ? quick() : full();
    List<Integer> deks = base.deks;
    int tenants = base.tenants;
    int commands = base.commands;
    int runs = base.runs;
    int warmups = base.warmups;
    List<String> guarantees = base.guarantees;
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
        case "--deks" -> deks = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
        case "--tenants" -> tenants = Integer.parseInt(value);
        case "--commands" -> commands = Integer.parseInt(value);
        case "--runs" -> runs = Integer.parseInt(value);
        case "--warmup" -> warmups = Integer.parseInt(value);
        case "--guarantee" -> guarantees = List.of(value.split(","));
        case "--partitions" -> partitions = Integer.parseInt(value);
        case "--json" -> json = Path.of(value);
        default -> throw new IllegalArgumentException("unknown option " + flag);
      }
    }
    ThroughputOptions options =
        new ThroughputOptions(deks, tenants, commands, runs, warmups, guarantees, partitions, json);
    options.check();
    return options;
  }

  private void check() {
    if (deks.isEmpty() || deks.stream().anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("--deks: one or more numbers >= 1");
    }
    if (tenants < 1 || commands < tenants || runs < 1 || warmups < 0 || partitions < 1) {
      throw new IllegalArgumentException(
          "--tenants, --runs and --partitions must be >= 1, --warmup >= 0, --commands >= --tenants");
    }
    for (String g : guarantees) {
      if (!GUARANTEES.contains(g)) {
        throw new IllegalArgumentException("--guarantee: one or more of " + GUARANTEES);
      }
    }
  }

  /** The usage line. */
  static String usage() {
    return "usage: FoldThroughput [--quick] [--deks 1,100] [--tenants 1000] [--commands 50000]"
        + " [--runs 3] [--warmup 1] [--guarantee exactly_once_v2,at_least_once] [--partitions 12]"
        + " [--json FILE]";
  }
}
