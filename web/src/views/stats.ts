// Statistics for coordinators (every area) and leads (their teams' areas): patrol hours,
// contacts and notes by category, per area and period, drawn with Chart.js. Coordinators
// can download the partner export, which the server builds under its disclosure rules.
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";
import { Ctx, View } from "../context";
import { clear, h } from "../dom";
import { describe } from "../errors";
import { MessageKey, t } from "../i18n";
import { num, pb } from "../proto";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

const PALETTE = ["#1b6ca8", "#d1495b", "#2e8540", "#edae49", "#6a4c93", "#00798c", "#8d6a00", "#c05299", "#5c5c5c"];
const CATEGORIES = ["conversation", "anti_social_behaviour", "conflict_deescalated", "welfare_concern", "substance_related",
  "weapon_concern", "environmental_hazard", "referral_made", "other"];

function monthValue(date: Date): string {
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

function monthStartMs(value: string, add = 0): number {
  const [y, m] = value.split("-").map(Number);
  return Date.UTC(y, m - 1 + add, 1);
}

function periodLabel(ms: number, period: pb.StatsPeriod): string {
  const iso = new Date(ms).toISOString();
  return period === pb.StatsPeriod.STATS_PERIOD_MONTH ? iso.slice(0, 7) : iso.slice(0, 10);
}

function value(row: pb.IAreaPeriodStats, metric: string, category = ""): number {
  return (row.values ?? []).find((v) => v.metric === metric && (v.category ?? "") === category)?.value ?? 0;
}

// Marks a canvas once Chart.js has really drawn it, for people using tests and tools alike:
// how many values, how tall the bars' area is, and whether every legend entry is in sight.
const drawnMarker = {
  id: "drawnMarker",
  afterRender(chart: Chart) {
    chart.canvas.dataset.drawn = "true";
    chart.canvas.dataset.points = String(chart.data.datasets.reduce((n, d) => n + d.data.length, 0));
    chart.canvas.dataset.plotHeight = String(Math.round(chart.chartArea.height));
    const legend = chart.legend;
    const boxes = (legend as unknown as { legendHitBoxes?: { top: number; height: number }[] } | undefined)?.legendHitBoxes ?? [];
    chart.canvas.dataset.legendFits = String(!!legend && boxes.every((b) => b.top >= legend.top - 1 && b.top + b.height <= legend.bottom + 1));
  },
};

// A phone: notes by category lie on their side, one bar per period and area, and the chart
// grows with them, so that neither the bars nor the legend of nine categories are squashed.
const NARROW = "(max-width: 600px)";

export function statsView(ctx: Ctx): View {
  const { model, conn } = ctx;
  const charts: Chart[] = [];
  const now = new Date();
  const period = h("select", { id: "stats-period", testid: "stats-period" },
    h("option", { value: "month" }, t("stats.period.month")), h("option", { value: "week" }, t("stats.period.week")));
  const from = h("input", { type: "month", id: "stats-from", testid: "stats-from",
    value: monthValue(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 5, 1))) });
  const to = h("input", { type: "month", id: "stats-to", testid: "stats-to", value: monthValue(now) });
  const refresh = h("button", { type: "button", testid: "stats-refresh" }, t("stats.refresh"));
  const status = h("p", { class: "form-error", role: "alert" });
  const empty = h("p", { class: "empty", testid: "stats-empty", hidden: true }, t("stats.empty"));
  const canvases = {
    hours: h("canvas", { testid: "chart-hours", role: "img", "aria-label": t("stats.hours") }),
    contacts: h("canvas", { testid: "chart-contacts", role: "img", "aria-label": t("stats.contacts") }),
    notes: h("canvas", { testid: "chart-notes", role: "img", "aria-label": t("stats.notes") }),
  };
  const table = h("div", { class: "table-wrap" });

  const range = () => ({
    fromMs: monthStartMs(from.value),
    toMs: monthStartMs(to.value, 1),
    period: period.value === "week" ? pb.StatsPeriod.STATS_PERIOD_WEEK : pb.StatsPeriod.STATS_PERIOD_MONTH,
  });

  let drawn: pb.IStatsReport | null = null;

  function draw(report: pb.IStatsReport): void {
    drawn = report;
    for (const chart of charts.splice(0)) chart.destroy();
    // Axis text and grid lines in the page's colours, which follow the phone's dark mode.
    const css = getComputedStyle(document.documentElement);
    Chart.defaults.color = css.getPropertyValue("--muted").trim() || Chart.defaults.color;
    Chart.defaults.borderColor = css.getPropertyValue("--line").trim() || Chart.defaults.borderColor;
    const p = report.period ?? pb.StatsPeriod.STATS_PERIOD_MONTH;
    const rows = report.rows ?? [];
    empty.hidden = rows.length > 0;
    const periods = [...new Set(rows.map((r) => num(r.periodStartMs)))].sort((a, b) => a - b);
    const labels = periods.map((ms) => periodLabel(ms, p));
    const areaName = (r: pb.IAreaPeriodStats) => r.areaName || t("stats.noArea");
    const areas = [...new Set(rows.map(areaName))].sort();
    const perArea = (metric: string) => areas.map((area, i) => ({
      label: area,
      backgroundColor: PALETTE[i % PALETTE.length],
      data: periods.map((ms) => rows.filter((r) => areaName(r) === area && num(r.periodStartMs) === ms)
        .reduce((sum, r) => sum + value(r, metric), 0)),
    }));
    const options = { animation: false as const, responsive: true, maintainAspectRatio: false,
      scales: { y: { beginAtZero: true } }, plugins: { legend: { position: "bottom" as const } } };
    charts.push(new Chart(canvases.hours, { type: "bar", data: { labels, datasets: perArea("patrol_hours") }, options, plugins: [drawnMarker] }));
    charts.push(new Chart(canvases.contacts, { type: "bar", data: { labels, datasets: perArea("notes") }, options, plugins: [drawnMarker] }));
    // Notes by category: one stacked bar per area and period.
    const pairs = periods.flatMap((ms) => areas.map((area) => ({ ms, area })))
      .filter(({ ms, area }) => rows.some((r) => areaName(r) === area && num(r.periodStartMs) === ms));
    const narrow = window.matchMedia(NARROW).matches;
    const notesBox = canvases.notes.parentElement as HTMLElement;
    // The legend (up to half the height) and at least 200 px of bars, 40 px more per bar.
    if (narrow) notesBox.style.height = `${Math.max(460, 260 + 40 * pairs.length)}px`;
    else notesBox.style.removeProperty("height");
    const stacked = { stacked: true }, count = { stacked: true, beginAtZero: true };
    charts.push(new Chart(canvases.notes, {
      type: "bar",
      data: {
        labels: pairs.map(({ ms, area }) => (narrow ? [periodLabel(ms, p), area] : `${periodLabel(ms, p)} · ${area}`)),
        datasets: CATEGORIES.map((c, i) => ({
          label: t(`category.${c}` as MessageKey),
          backgroundColor: PALETTE[i % PALETTE.length],
          data: pairs.map(({ ms, area }) => rows.filter((r) => areaName(r) === area && num(r.periodStartMs) === ms)
            .reduce((sum, r) => sum + value(r, "notes_by_category", c), 0)),
        })),
      },
      options: { ...options, indexAxis: narrow ? "y" as const : "x" as const,
        scales: narrow ? { x: count, y: stacked } : { x: stacked, y: count },
        plugins: { legend: { position: "bottom" as const, labels: { boxWidth: narrow ? 14 : 40 } } } },
      plugins: [drawnMarker],
    }));
    clear(table);
    table.append(h("table", null,
      h("caption", null, t("stats.table")),
      h("thead", null, h("tr", null, h("th", { scope: "col" }, t("stats.periodStart")), h("th", { scope: "col" }, t("stats.area")),
        h("th", { scope: "col" }, t("stats.hours")), h("th", { scope: "col" }, t("stats.contacts")))),
      h("tbody", null, rows.map((r) => h("tr", null, h("td", null, periodLabel(num(r.periodStartMs), p)), h("td", null, areaName(r)),
        h("td", null, String(value(r, "patrol_hours"))), h("td", null, String(value(r, "notes"))))))));
  }

  async function load(): Promise<void> {
    status.textContent = "";
    try {
      const report = await conn.call({ getStats: range() }, "statsReport");
      draw(report);
    } catch (err) {
      status.textContent = describe(err);
    }
  }

  const exportBox = model.isCoordinator() ? exporter() : null;

  function exporter(): HTMLElement {
    const city = h("input", { id: "stats-city", testid: "stats-city", maxlength: "100", required: true, "aria-describedby": "export-hint" });
    const button = h("button", { type: "button", testid: "stats-export" }, t("stats.export"));
    const error = h("p", { class: "form-error", testid: "export-error", role: "alert" });
    button.addEventListener("click", () => {
      error.textContent = "";
      if (!city.value.trim()) {
        error.textContent = t("shifts.form.required");
        city.focus();
        return;
      }
      button.disabled = true;
      const r = range();
      conn.call({ exportStats: { ...r, city: city.value.trim(), format: pb.ExportFormat.EXPORT_FORMAT_CSV } }, "statsExport")
        .then((result) => {
          const blob = new Blob([result.body ?? ""], { type: result.contentType || "text/csv" });
          const url = URL.createObjectURL(blob);
          const a = h("a", { href: url, download: `gadehold-export-${from.value}-${to.value}.csv` });
          document.body.append(a);
          a.click();
          a.remove();
          window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
          ctx.toast(t("stats.exported", { rows: result.rows ?? 0 }));
        })
        .catch((err: unknown) => (error.textContent = describe(err)))
        .finally(() => (button.disabled = false));
    });
    return h("section", { class: "panel export", "aria-labelledby": "export-h" },
      h("h2", { id: "export-h" }, t("stats.export")),
      h("p", { class: "hint", id: "export-hint" }, t("stats.exportHint")),
      h("div", { class: "field" }, h("label", { for: "stats-city" }, t("stats.city")), city), button, error);
  }

  refresh.addEventListener("click", () => void load());
  const figure = (title: string, canvas: HTMLCanvasElement) =>
    h("figure", { class: "chart" }, h("figcaption", null, title), h("div", { class: "canvas-box" }, canvas));
  const el = h("section", { class: "view stats-view", testid: "view-stats", "aria-labelledby": "stats-h" },
    h("h1", { id: "stats-h" }, t("stats.heading")),
    h("div", { class: "controls" },
      h("div", { class: "field" }, h("label", { for: "stats-period" }, t("stats.period")), period),
      h("div", { class: "field" }, h("label", { for: "stats-from" }, t("stats.from")), from),
      h("div", { class: "field" }, h("label", { for: "stats-to" }, t("stats.to")), to),
      refresh),
    status, empty,
    h("div", { class: "charts" }, figure(t("stats.hours"), canvases.hours), figure(t("stats.contacts"), canvases.contacts),
      figure(t("stats.notes"), canvases.notes)),
    h("details", null, h("summary", null, t("stats.table")), table),
    exportBox);
  void load();
  const unsubscribe = model.subscribe((change) => { if (change === "session") void load(); });
  // Night mode switched on or off while the view is open: the charts take the new colours.
  const scheme = window.matchMedia("(prefers-color-scheme: dark)");
  const redraw = () => { if (drawn) draw(drawn); };
  scheme.addEventListener("change", redraw);
  return { el, dispose: () => {
    unsubscribe();
    scheme.removeEventListener("change", redraw);
    for (const chart of charts.splice(0)) chart.destroy();
  } };
}
