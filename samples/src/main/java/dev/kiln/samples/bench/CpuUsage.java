package dev.kiln.samples.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How busy the machine was during a measured block, from Linux's {@code /proc/stat} (the whole machine)
 * and {@code /proc/self/stat} (this process), read before and after the block. Reported in cores, averaged
 * over the block's wall time:
 * <ul>
 *   <li>{@code other_cores}: CPU time used by every other process (user, nice, system, irq and softirq of
 *       the machine, less this process's user and system time);</li>
 *   <li>{@code steal_cores}: time the hypervisor gave this machine's virtual CPUs to someone else;</li>
 *   <li>{@code self_cores}: this process, its JIT and garbage collector threads included.</li>
 * </ul>
 * Both files count in clock ticks of {@value #TICKS_PER_SECOND} per second (Linux's {@code USER_HZ}), so a
 * block of {@code t} seconds is resolved to about {@code 0.02 / t} cores. Where the files cannot be read
 * (not Linux), the figures are absent.
 */
final class CpuUsage {

    /** Linux's {@code USER_HZ}, the unit of {@code /proc/stat}: 100 on every mainstream architecture. */
    static final int TICKS_PER_SECOND = 100;

    /** Above this, other processes and steal together disturbed the figure (2 cores = the whole machine). */
    static final double DISTURBED_CORES = 0.1;

    private static final Path MACHINE = Path.of("/proc/stat");
    private static final Path SELF = Path.of("/proc/self/stat");

    /** The counters at one instant; {@code busy < 0} when they could not be read. */
    record Snapshot(long nanos, long busy, long steal, long self) {
    }

    private CpuUsage() {
    }

    /** The counters now. */
    static Snapshot now() {
        long nanos = System.nanoTime();
        try {
            // the first line: cpu user nice system idle iowait irq softirq steal guest guest_nice
            String[] cpu = Files.readAllLines(MACHINE).getFirst().trim().split("\\s+");
            long busy = Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3])
                    + Long.parseLong(cpu[6]) + Long.parseLong(cpu[7]);
            long steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
            // the fields after the command name (which may hold spaces, so cut at the last ')'):
            // state ppid ... utime (field 14) stime (field 15)
            String self = Files.readString(SELF);
            String[] fields = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
            long selfTicks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            return new Snapshot(nanos, busy, steal, selfTicks);
        } catch (IOException | RuntimeException e) {
            return new Snapshot(nanos, -1, -1, -1);
        }
    }

    /** The usage between two snapshots, as a JSON object: seconds, other_cores, steal_cores, self_cores, disturbed. */
    static Map<String, Object> between(Snapshot before, Snapshot after) {
        Map<String, Object> usage = new LinkedHashMap<>();
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        usage.put("seconds", seconds);
        if (before.busy() < 0 || after.busy() < 0 || seconds <= 0) {
            usage.put("other_cores", null);
            usage.put("steal_cores", null);
            usage.put("self_cores", null);
            return usage;
        }
        double self = (after.self() - before.self()) / (double) TICKS_PER_SECOND / seconds;
        double busy = (after.busy() - before.busy()) / (double) TICKS_PER_SECOND / seconds;
        double steal = (after.steal() - before.steal()) / (double) TICKS_PER_SECOND / seconds;
        // the two files are sampled independently: a tick's difference may make "other" slightly negative
        double other = Math.max(0, busy - self);
        usage.put("other_cores", other);
        usage.put("steal_cores", steal);
        usage.put("self_cores", self);
        usage.put("disturbed", other + steal > DISTURBED_CORES);
        return usage;
    }

    /** The usage from {@code before} until now. */
    static Map<String, Object> since(Snapshot before) {
        return between(before, now());
    }
}
