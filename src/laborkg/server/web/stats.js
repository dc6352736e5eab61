/* Enforcement statistics 2021 vs 2022 from the packaged query "enforcement-statistics": a bar chart (SVG)
   of the figures, one row per indicator and agency, scaled per row; yes/no indicators as a table. */
"use strict";

(() => {
  const { el, svg, getTable, showError } = LKG;
  const chart = document.getElementById("chart");
  const booleansBox = document.getElementById("booleans");
  const notesBox = document.getElementById("notes");
  const YEARS = ["2021", "2022"];
  const es = LKG.lang === "es";

  function groups(doc) {
    const col = Object.fromEntries(doc.vars.map((v, i) => [v, i]));
    const get = (r, v) => r[col[v]];
    const numeric = new Map();
    const yesNo = new Map();
    for (const r of doc.rows) {
      const year = get(r, "year") ? get(r, "year").value.slice(0, 4) : "";
      if (!YEARS.includes(year)) continue;
      const indicator = get(r, "indicator"), entity = get(r, "entity"), unit = get(r, "unit");
      const key = [indicator.value, entity.value, unit ? unit.value : ""].join(" ");
      const value = get(r, "value"), bool = get(r, "booleanValue"), note = get(r, "valueNote");
      const target = bool ? yesNo : numeric;
      if (!value && !bool && !note) continue;
      if (!target.has(key)) target.set(key, { indicator, entity, unit, years: {} });
      const caveats = get(r, "caveats");
      target.get(key).years[year] = {
        value: value ? Number(value.value) : null,
        text: value ? value.text : bool ? bool.text : note ? note.text : "",
        caveat: caveats && caveats.value ? caveats.value : "",
      };
    }
    // a row needs a number in at least one year
    const rows = [...numeric.values()].filter((g) => YEARS.some((y) => g.years[y] && g.years[y].value !== null));
    return { rows, yesNo: [...yesNo.values()] };
  }

  function draw(rows) {
    const W = 1100, LABEL = 450, BAR = 480, ROW = 66, TOP = 40, BH = 16;
    const H = TOP + rows.length * ROW + 10;
    const root = svg("svg", {
      class: "view stats",
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      role: "img",
      "aria-label": "Enforcement statistics, 2021 compared with 2022",
    });
    YEARS.forEach((y, i) => {
      root.append(svg("rect", { class: `swatch y${y}`, x: LABEL + i * 90, y: 12, width: 14, height: 14 }));
      root.append(svg("text", { class: "val", x: LABEL + 20 + i * 90, y: 24, text: y }));
    });
    rows.forEach((g, i) => {
      const y0 = TOP + i * ROW;
      const row = svg("g", { class: "stat-row", "data-indicator": g.indicator.value });
      row.append(svg("title", { text: `${g.indicator.text} — ${g.entity.text}` }));
      row.append(svg("line", { class: "sep", x1: 10, y1: y0 - 4, x2: W - 10, y2: y0 - 4 }));
      const ind = svg("text", { class: "ind", x: 12, y: y0 + 16, text: g.indicator.text });
      row.append(g.indicator.href ? svg("a", { href: g.indicator.href }, ind) : ind);
      const ent = svg("text", { class: "ent", x: 12, y: y0 + 34, text: g.entity.text });
      row.append(g.entity.href ? svg("a", { href: g.entity.href }, ent) : ent);
      if (g.unit) row.append(svg("text", { class: "ent", x: 12, y: y0 + 50, text: (es ? "unidad: " : "unit: ") + g.unit.text }));
      const max = Math.max(...YEARS.map((y) => (g.years[y] && g.years[y].value) || 0), 1);
      YEARS.forEach((y, k) => {
        const cell = g.years[y];
        const by = y0 + 6 + k * (BH + 8);
        if (!cell) {
          row.append(svg("text", { class: "note", x: LABEL, y: by + 12, text: `${y}: ${es ? "sin dato" : "no figure"}` }));
          return;
        }
        if (cell.value === null) {
          row.append(svg("text", { class: "note", x: LABEL, y: by + 12, text: `${y}: ${cell.text}` }));
          return;
        }
        const width = Math.max(2, (cell.value / max) * BAR);
        const bar = svg("rect", { class: `bar y${y}`, x: LABEL, y: by, width, height: BH, "data-value": cell.value });
        bar.append(svg("title", { text: `${y}: ${cell.text}${cell.caveat ? " — " + cell.caveat : ""}` }));
        row.append(bar);
        const label = svg("text", { class: "val", x: LABEL + width + 6, y: by + 12, text: cell.text + (cell.caveat ? " *" : "") });
        if (cell.caveat) label.append(svg("title", { text: cell.caveat }));
        row.append(label);
      });
      root.append(row);
    });
    chart.replaceChildren(root);
    for (const t of root.querySelectorAll("text.ind, text.ent")) LKG.fitText(t, LABEL - 30);
    chart.dataset.rows = String(rows.length);
  }

  function yesNoTable(list) {
    const table = el("table", { class: "results" });
    table.append(el("thead", {}, el("tr", {}, el("th", {}, es ? "indicador" : "indicator"), el("th", {}, es ? "entidad" : "entity"), YEARS.map((y) => el("th", {}, y)))));
    const body = el("tbody");
    for (const g of list) {
      body.append(
        el("tr", {}, el("td", {}, g.indicator.text), el("td", {}, g.entity.text), YEARS.map((y) => el("td", {}, g.years[y] ? g.years[y].text : "–"))),
      );
    }
    table.append(body);
    booleansBox.replaceChildren(el("div", { class: "scroll" }, table));
  }

  (async () => {
    try {
      const doc = await getTable("/queries/enforcement-statistics");
      const { rows, yesNo } = groups(doc);
      draw(rows);
      yesNoTable(yesNo);
      LKG.chartDownloads(chart, "enforcement-2021-2022");
      if (doc.notes.length) {
        const details = el("details", {}, el("summary", {}, `${LKG.t("Sources")} (${doc.notes.length} ${LKG.t("passages")})`));
        const ol = el("ol", { class: "notes" });
        for (const n of doc.notes) ol.append(el("li", {}, el("span", { class: "seed" }, n.file || ""), " ", el("q", {}, n.quote || n.iri)));
        details.append(ol);
        notesBox.append(details);
      }
    } catch (error) {
      showError(chart, error);
    }
  })();
})();
