/* Timeline of events: the packaged query "timeline", drawn as an SVG, grouped by year. */
"use strict";

(() => {
  const { el, svg, getTable, showError } = LKG;
  const chart = document.getElementById("chart");
  const notesBox = document.getElementById("notes");
  const status = document.getElementById("status");
  const from = document.getElementById("from");
  const to = document.getElementById("to");
  const KINDS = ["meeting", "launch", "cancellation", "legalamendment", "experienceexchange", "enactment", "ratification"];

  function kindClass(cell) {
    const local = cell ? cell.value.split(/[#/]/).pop().toLowerCase() : "";
    return "k-" + (KINDS.includes(local) ? local : "other");
  }

  function draw(doc) {
    const col = Object.fromEntries(doc.vars.map((v, i) => [v, i]));
    const events = doc.rows.map((r) => ({
      date: r[col.date],
      event: r[col.event],
      kind: r[col.kind],
      sources: r[col.sources],
    }));
    const W = 1000, AXIS = 150, TOP = 20, ROW = 30, YEAR = 40;
    let y = TOP;
    let lastYear = null;
    const items = [];
    for (const e of events) {
      const year = e.date.value.slice(0, 4);
      if (year !== lastYear) {
        y += lastYear === null ? 10 : 16;
        items.push({ year, y });
        y += YEAR - 16;
        lastYear = year;
      }
      items.push({ e, y });
      y += ROW;
    }
    const H = y + 20;
    const root = svg("svg", {
      class: "view timeline",
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      role: "img",
      "aria-label": `Timeline of ${events.length} events`,
    });
    root.append(svg("line", { class: "axis", x1: AXIS, y1: TOP, x2: AXIS, y2: H - 15 }));
    for (const item of items) {
      if (item.year) {
        root.append(svg("text", { class: "year", x: AXIS - 14, y: item.y + 6, "text-anchor": "end", text: item.year }));
        root.append(svg("line", { class: "sep", x1: AXIS + 10, y1: item.y + 1, x2: W - 20, y2: item.y + 1 }));
        continue;
      }
      const { e } = item;
      const g = svg("g", { class: "event-row", "data-date": e.date.value });
      const title = `${e.date.text}: ${e.event.text}${e.kind ? " (" + e.kind.text + ")" : ""}`;
      g.append(svg("title", { text: title }));
      g.append(svg("text", { class: "date", x: AXIS - 14, y: item.y + 4, "text-anchor": "end", text: e.date.text }));
      g.append(svg("circle", { class: `event ${kindClass(e.kind)}`, cx: AXIS, cy: item.y, r: 7 }));
      const label = svg("text", { class: "label", x: AXIS + 18, y: item.y + 4, text: e.event.text });
      g.append(e.event.href ? svg("a", { href: e.event.href }, label) : label);
      if (e.kind) {
        const approx = Math.min(W - AXIS - 60, 7 * e.event.text.length);
        g.append(svg("text", { class: "kind", x: AXIS + 26 + approx, y: item.y + 4, text: e.kind.text }));
      }
      root.append(g);
    }
    chart.replaceChildren(root);
    // Kind labels are placed by an estimate first, then moved after their event's label once measured.
    for (const g of root.querySelectorAll("g.event-row")) {
      const label = g.querySelector("text.label");
      const kind = g.querySelector("text.kind");
      LKG.fitText(label, W - AXIS - 150);
      if (label && kind && label.getComputedTextLength) {
        kind.setAttribute("x", String(AXIS + 18 + label.getComputedTextLength() + 10));
      }
    }
    chart.dataset.events = String(events.length);
  }

  async function load() {
    status.textContent = LKG.t("loading…");
    const u = new URLSearchParams({ from: from.value || "1900-01-01", to: to.value || "2100-12-31" });
    try {
      const doc = await getTable("/queries/timeline?" + u);
      draw(doc);
      notesBox.replaceChildren();
      if (doc.notes.length) {
        const details = el("details", {}, el("summary", {}, `${LKG.t("Sources")} (${doc.notes.length} ${LKG.t("passages")})`));
        const ol = el("ol", { class: "notes" });
        for (const n of doc.notes) {
          ol.append(el("li", { id: `note-${n.n}` }, el("span", { class: "seed" }, n.file || ""), " ", el("q", {}, n.quote || n.iri)));
        }
        details.append(ol);
        notesBox.append(details);
      }
      status.textContent = `${doc.rows.length} ${LKG.t("events")}`;
      LKG.chartDownloads(chart, "timeline");
    } catch (error) {
      showError(chart, error);
      status.textContent = "";
    }
  }

  document.getElementById("apply").addEventListener("click", load);
  load();
})();
