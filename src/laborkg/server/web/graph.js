/* Funding graph: funders → initiatives → beneficiaries from the packaged query "funding-flows", as SVG.
   Cancelled initiatives (IATI status 5) are marked red and dashed, suspended ones (6) orange. */
"use strict";

(() => {
  const { el, svg, getTable, showError } = LKG;
  const chart = document.getElementById("chart");
  const legend = document.getElementById("legend");
  const notesBox = document.getElementById("notes");
  const es = LKG.lang === "es";

  function statusOf(flow) {
    const code = flow.status ? flow.status.value : "";
    if (code.endsWith("iati-activity-status-5") || flow.cancelled) return "cancelled";
    if (code.endsWith("iati-activity-status-6")) return "suspended";
    return "";
  }

  function draw(doc) {
    const col = Object.fromEntries(doc.vars.map((v, i) => [v, i]));
    const flows = doc.rows.map((r) => Object.fromEntries(doc.vars.map((v) => [v, r[col[v]]])));
    const columns = [new Map(), new Map(), new Map()];
    const edges = new Map();
    function node(c, cell, extra) {
      if (!cell) return null;
      if (!columns[c].has(cell.value)) columns[c].set(cell.value, Object.assign({ cell, col: c, sub: "" }, extra));
      return columns[c].get(cell.value);
    }
    for (const f of flows) {
      const state = statusOf(f);
      const funder = node(0, f.funder, {});
      const initiative = node(1, f.initiative, { state });
      if (state) initiative.state = state;
      if (f.status) {
        initiative.sub = f.status.text + (f.cancelled ? " " + f.cancelled.text : "");
      }
      const beneficiary = node(2, f.beneficiary, {});
      const amount = f.amount ? `${f.amount.text} ${f.currency ? f.currency.text : ""}`.trim() : "";
      const k1 = `${f.funder.value} ${f.initiative.value}`;
      if (!edges.has(k1)) edges.set(k1, { from: funder, to: initiative, label: amount, state });
      else if (amount && !edges.get(k1).label) edges.get(k1).label = amount;
      if (beneficiary) {
        const k2 = `${f.initiative.value} ${f.beneficiary.value}`;
        if (!edges.has(k2)) edges.set(k2, { from: initiative, to: beneficiary, label: "", state });
      }
    }
    const W = 1230, NODE_W = 290, NODE_H = 46, GAP = 18, TOP = 44;
    const X = [20, 470, 920];
    let height = 0;
    columns.forEach((nodes, c) => {
      let y = TOP;
      const count = nodes.size;
      const tallest = Math.max(...columns.map((m) => m.size));
      // centre the shorter columns against the tallest one
      y += ((tallest - count) * (NODE_H + GAP)) / 2;
      for (const n of nodes.values()) {
        n.x = X[c];
        n.y = y;
        y += NODE_H + GAP;
      }
      height = Math.max(height, y);
    });
    const H = height + 20;
    const root = svg("svg", {
      class: "view funding",
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      role: "img",
      "aria-label": "Funding flows from funders through initiatives to beneficiaries",
    });
    const heads = es ? ["Financiador", "Iniciativa / programa", "Beneficiario"] : ["Funder", "Initiative / program", "Beneficiary"];
    heads.forEach((h, c) => root.append(svg("text", { class: "column", x: X[c], y: 22, text: h })));
    for (const e of edges.values()) {
      const x1 = e.from.x + NODE_W, y1 = e.from.y + NODE_H / 2, x2 = e.to.x, y2 = e.to.y + NODE_H / 2;
      const mid = (x1 + x2) / 2;
      root.append(
        svg("path", {
          class: `edge${e.state ? " " + e.state : ""}`,
          d: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
        }),
      );
      if (e.label) {
        root.append(svg("text", { class: "edge-label", x: x2 - 8, y: y2 - 6, "text-anchor": "end", text: e.label }));
      }
    }
    const kinds = ["funder", "initiative", "beneficiary"];
    columns.forEach((nodes, c) => {
      for (const n of nodes.values()) {
        const g = svg("g", { class: `node-group ${kinds[c]}${n.state ? " " + n.state : ""}`, "data-iri": n.cell.value });
        g.append(svg("title", { text: n.cell.text + (n.sub ? ` — ${n.sub}` : "") }));
        g.append(svg("rect", { class: "node", x: n.x, y: n.y, width: NODE_W, height: NODE_H, rx: 6 }));
        const label = svg("text", { class: "node-label", x: n.x + 10, y: n.y + (n.sub ? 19 : 28), text: n.cell.text });
        g.append(n.cell.href ? svg("a", { href: n.cell.href }, label) : label);
        if (n.sub) g.append(svg("text", { class: "node-sub", x: n.x + 10, y: n.y + 36, text: n.sub }));
        root.append(g);
      }
    });
    chart.replaceChildren(root);
    for (const t of root.querySelectorAll("text.node-label, text.node-sub")) LKG.fitText(t, NODE_W - 20);
    const cancelled = [...columns[1].values()].filter((n) => n.state === "cancelled").length;
    legend.replaceChildren(
      `${columns[0].size} ${LKG.t("funders")}, ${columns[1].size} ${LKG.t("initiatives")}, ` +
        `${columns[2].size} ${LKG.t("beneficiaries")}; `,
      el("strong", {}, `${cancelled} ${LKG.t("cancelled")}`),
      " " + LKG.t("(red, dashed)."),
    );
    chart.dataset.nodes = String(columns[0].size + columns[1].size + columns[2].size);
    chart.dataset.cancelled = String(cancelled);
  }

  (async () => {
    try {
      const doc = await getTable("/queries/funding-flows");
      draw(doc);
      LKG.chartDownloads(chart, "funding-graph");
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
