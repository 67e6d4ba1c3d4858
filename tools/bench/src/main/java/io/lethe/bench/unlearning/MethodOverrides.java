package io.lethe.bench.unlearning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies {@code --set METHOD.KEY=VALUE} to the selected methods' defaults and {@code --grid
 * METHOD.KEY=V1|V2} to their tuning grids, and rejects a bad key or value before anything runs.
 */
final class MethodOverrides {
  private final Map<String, String> overrides;
  private final Map<String, String> grids;

  MethodOverrides(Map<String, String> overrides, Map<String, String> grids) {
    this.overrides = overrides;
    this.grids = grids;
  }

  /** The selected methods with their overridden defaults and grids. */
  List<BenchMethod> apply(List<BenchMethod> selected) {
    for (String k : overrides.keySet()) {
      int dot = k.indexOf('.');
      if (dot < 1 || dot == k.length() - 1) {
        throw new IllegalArgumentException("--set needs METHOD.KEY=VALUE, got '" + k + "'");
      }
    }
    for (String k : grids.keySet()) {
      boolean named =
          selected.stream().anyMatch(m -> !m.grid().isEmpty() && k.startsWith(m.key() + "."));
      if (!named) {
        throw new IllegalArgumentException(
            "--grid needs TUNED_METHOD.KEY=V1|V2 for a selected, tuned method, got '" + k + "'");
      }
    }
    List<BenchMethod> r = new ArrayList<>();
    for (BenchMethod m : selected) {
      String prefix = (m.isDlfd() ? "dlfd" : m.key()) + ".";
      Map<String, Object> defaults = new LinkedHashMap<>(m.defaults());
      overrides.forEach(
          (k, v) -> {
            if (k.startsWith(prefix)) {
              defaults.put(k.substring(prefix.length()), v);
            }
          });
      List<Map<String, Object>> grid = gridFor(m, prefix);
      BenchMethod withDefaults = new BenchMethod(m.key(), m.label(), defaults, grid, m.variant());
      for (Map<String, Object> candidate : grid) {
        if (!m.isRetrain()) {
          withDefaults.create(0, candidate).name(); // rejects a bad value now
        }
      }
      if (!m.isRetrain()) {
        withDefaults.create(0, Map.of()).name(); // rejects a bad key now, not after an hour
      }
      r.add(withDefaults);
    }
    return r;
  }

  /** The method's grid, replaced by the {@code --grid} options that name it. */
  private List<Map<String, Object>> gridFor(BenchMethod m, String prefix) {
    if (m.grid().isEmpty()) {
      // Untuned rows (Retrain, DLFD's ablations, which share "dlfd." and take full DLFD's choice).
      return m.grid();
    }
    List<Map<String, Object>> grid = List.of(Map.of());
    boolean replaced = false;
    for (Map.Entry<String, String> e : grids.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      replaced = true;
      String key = e.getKey().substring(prefix.length());
      List<Map<String, Object>> product = new ArrayList<>();
      for (Map<String, Object> partial : grid) {
        for (String value : e.getValue().split("\\|")) {
          Map<String, Object> c = new LinkedHashMap<>(partial);
          c.put(key, value.trim());
          product.add(c);
        }
      }
      grid = product;
    }
    if (!replaced) {
      return m.grid();
    }
    if (grid.size() > BenchMethods.BUDGET) {
      throw new IllegalArgumentException(
          "--grid for "
              + m.label()
              + " has "
              + grid.size()
              + " candidates; the budget is "
              + BenchMethods.BUDGET
              + " per method");
    }
    return grid;
  }
}
