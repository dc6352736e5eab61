/* The query page: packaged queries as examples (run with their parameters bound by the engine) and a
   SPARQL editor for ad-hoc read-only queries. Results as tables with labels and source quotes, sortable
   (click a header), filterable and paged; the page's URL names the query, so a link runs it again. */
"use strict";

(() => {
  const { el, svg, t, getTable, renderTable, showError } = LKG;
  const select = document.getElementById("example");
  const textarea = document.getElementById("editor");
  const paramsBox = document.getElementById("params");
  const summary = document.getElementById("summary");
  const mode = document.getElementById("mode");
  const runButton = document.getElementById("run");
  const status = document.getElementById("status");
  const downloads = document.getElementById("downloads");
  const results = document.getElementById("results");
  const search = new URLSearchParams(location.search);
  const PAGE = 50;
  const MAX_URL_QUERY = 6000; // longer ad-hoc queries are not put in the URL (nor in download links)
  const ROW_FORMATS = [["json", "SPARQL JSON"], ["csv", "CSV"], ["tsv", "TSV"], ["xml", "SPARQL XML"]];
  const GRAPH_FORMATS = [["turtle", "Turtle"], ["nt", "N-Triples"], ["json-ld", "JSON-LD"]];
  const NUMERIC = /#(decimal|integer|double|float|nonNegativeInteger|positiveInteger|int|long|short)$/;
  let catalogue = {};
  let packaged = null; // the packaged query shown, until the text is edited
  const editor = LKG.sparqlEditor(textarea, {
    onEdit() {
      if (packaged) {
        packaged = null;
        paramsBox.replaceChildren();
        select.value = "";
        setMode();
      }
    },
    onRun: () => run(),
  });

  function setMode() {
    if (packaged) {
      mode.textContent =
        LKG.lang === "es"
          ? `consulta preparada «${packaged}» (el motor vincula los parámetros)`
          : `packaged query “${packaged}” (parameters bound by the engine)`;
    } else {
      mode.textContent = t("ad-hoc SPARQL");
    }
    mode.classList.toggle("adhoc", !packaged);
  }

  /** A packaged query's text without its machine header (the "#+ summary:" lines). */
  function readable(text) {
    return text
      .split("\n")
      .filter((line) => !line.startsWith("#+"))
      .join("\n")
      .replace(/^\s*\n/, "");
  }

  function showQuery(name, values) {
    const q = catalogue[name];
    packaged = q ? name : null;
    paramsBox.replaceChildren();
    summary.textContent = q ? q.summary : "";
    if (q) {
      editor.set(readable(q.text));
      for (const p of q.params) {
        const input = el("input", {
          name: p.name,
          "data-param": p.name,
          placeholder: p.default || t(p.required ? "required" : "optional"),
          title: p.description,
          required: p.required ? "required" : null,
        });
        if (values && values.has("p." + p.name)) input.value = values.get("p." + p.name);
        paramsBox.append(el("label", {}, `${p.name} (${p.type})`, input));
      }
    }
    select.value = q ? name : "";
    setMode();
  }

  function packagedUrl() {
    const u = new URLSearchParams();
    for (const input of paramsBox.querySelectorAll("input[data-param]")) {
      if (input.value.trim() !== "") u.set(input.dataset.param, input.value.trim());
    }
    const qs = u.toString();
    return `/queries/${encodeURIComponent(packaged)}${qs ? "?" + qs : ""}`;
  }

  /** The page's URL names what runs: ?name=…&p.PARAM=… for a packaged query, ?query=… for one's own. */
  function remember() {
    const u = new URLSearchParams();
    if (LKG.lang !== "en") u.set("labels", LKG.lang);
    if (packaged) {
      u.set("name", packaged);
      for (const input of paramsBox.querySelectorAll("input[data-param]")) {
        if (input.value.trim() !== "") u.set("p." + input.dataset.param, input.value.trim());
      }
    } else if (editor.get().length <= MAX_URL_QUERY) {
      u.set("query", editor.get());
    }
    history.replaceState(null, "", location.pathname + (u.toString() ? "?" + u : ""));
  }

  /** Links to the answer in the formats its kind has: SPARQL results for rows, RDF for a graph. */
  function downloadLinks(base, kind) {
    downloads.replaceChildren(t("download:"), " ");
    const formats = kind === "graph" ? GRAPH_FORMATS : kind === "ask" ? [["json", "SPARQL JSON"], ["xml", "SPARQL XML"]] : ROW_FORMATS;
    for (const [fmt, label] of formats) {
      const sep = base.includes("?") ? "&" : "?";
      downloads.append(el("a", { href: `${base}${sep}format=${fmt}`, "data-format": fmt }, label), " ");
    }
  }

  /** The columns a chart can draw: the first numeric one (every bound value a number) and the first other
     one (a label or a date), or null. */
  function chartColumns(doc) {
    const isNumber = (c) => c && c.datatype && NUMERIC.test(c.datatype) && !Number.isNaN(Number(c.value));
    let value = -1;
    let label = -1;
    doc.vars.forEach((_, j) => {
      const cells = doc.rows.map((r) => r[j]).filter((c) => c);
      if (!cells.length) return;
      if (cells.every(isNumber)) {
        if (value < 0) value = j;
      } else if (label < 0 && cells.every((c) => c.type !== "sources")) {
        label = j;
      }
    });
    return value >= 0 && label >= 0 ? { value, label } : null;
  }

  /** A bar chart (SVG) of the rows shown: one bar per row, its label and its value. */
  function drawChart(box, doc, cols, rows) {
    const W = 900;
    const LABEL = 300;
    const BAR = 18;
    const GAP = 6;
    const H = 40 + rows.length * (BAR + GAP);
    const values = rows.map((r) => Number(r.cells[cols.value].value));
    const lo = Math.min(0, ...values);
    const hi = Math.max(0, ...values);
    const span = hi - lo || 1;
    const x = (v) => LABEL + ((v - lo) / span) * (W - LABEL - 90);
    const root = svg("svg", {
      class: "result-chart",
      viewBox: `0 0 ${W} ${H}`,
      width: W,
      height: H,
      role: "img",
      "aria-label": `${t("chart of")} ${doc.vars[cols.value]}`,
    });
    root.append(svg("text", { class: "column", x: LABEL, y: 18, text: `${doc.vars[cols.value]} / ${doc.vars[cols.label]}` }));
    rows.forEach((r, i) => {
      const y = 30 + i * (BAR + GAP);
      const v = values[i];
      const name = r.cells[cols.label] ? r.cells[cols.label].text : "";
      const label = svg("text", { class: "bar-label", x: LABEL - 8, y: y + 13, "text-anchor": "end", text: name });
      root.append(label);
      const x0 = x(Math.min(0, v));
      const bar = svg("rect", { class: "bar", x: x0, y, width: Math.max(1, Math.abs(x(v) - x(0))), height: BAR, "data-value": String(v) });
      bar.append(svg("title", { text: `${name}: ${r.cells[cols.value].text}` }));
      root.append(bar);
      root.append(svg("text", { class: "val", x: Math.max(x(v), x(0)) + 6, y: y + 13, text: r.cells[cols.value].text }));
    });
    box.replaceChildren(root);
    for (const node of root.querySelectorAll("text.bar-label")) LKG.fitText(node, LABEL - 16);
    LKG.chartDownloads(box, "query-chart");
  }

  /** Sort, filter and page the table renderTable drew; rows are the doc's (cells keep exact values). */
  function interactive(doc, container) {
    const table = container.querySelector("table.results");
    if (!table) return;
    const tbody = table.tBodies[0];
    const all = [...tbody.rows].map((tr, i) => ({ tr, cells: doc.rows[i], text: tr.textContent.toLowerCase() }));
    let order = all.slice();
    let shown = order;
    let page = 0;
    let sortCol = -1;
    let dir = 1;
    const filter = el("input", { type: "search", id: "filter", placeholder: t("filter rows"), "aria-label": t("filter rows") });
    const prev = el("button", { type: "button", id: "prev" }, "‹ " + t("previous"));
    const next = el("button", { type: "button", id: "next" }, t("next") + " ›");
    const info = el("span", { id: "page-info", class: "status" });
    const tools = el("div", { class: "tools" }, filter, el("span", { class: "pager" }, prev, " ", info, " ", next));
    const cols = chartColumns(doc);
    const chartBox = el("div", { id: "result-chart" });
    let charted = false;
    if (cols) {
      const toggle = el("button", { type: "button", id: "chart-toggle" }, t("Chart"));
      toggle.addEventListener("click", () => {
        charted = !charted;
        toggle.classList.toggle("on", charted);
        if (!charted) {
          chartBox.replaceChildren();
          const links = chartBox.parentNode.querySelector(".chart-downloads");
          if (links) links.remove();
        }
        draw();
      });
      tools.append(toggle);
    }

    function key(cell) {
      if (!cell) return null;
      if (cell.datatype && NUMERIC.test(cell.datatype)) {
        const n = Number(cell.value);
        if (!Number.isNaN(n)) return n;
      }
      if (cell.type === "sources") return cell.notes[0];
      return (cell.text || "").toLowerCase();
    }

    function compare(a, b) {
      const x = key(a.cells[sortCol]);
      const y = key(b.cells[sortCol]);
      if (x === y) return 0;
      if (x === null) return 1; // unbound values last, whichever the direction
      if (y === null) return -1;
      if (typeof x === "number" && typeof y === "number") return dir * (x - y);
      return dir * String(x).localeCompare(String(y), LKG.lang, { numeric: true });
    }

    function draw() {
      const n = shown.length;
      const pages = Math.max(1, Math.ceil(n / PAGE));
      page = Math.min(page, pages - 1);
      const from = page * PAGE;
      const slice = shown.slice(from, from + PAGE);
      tbody.replaceChildren(...slice.map((r) => r.tr));
      info.textContent = n ? `${from + 1}–${from + slice.length} ${t("of")} ${n}` : `0 ${t("of")} ${all.length}`;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
      table.dataset.page = String(page + 1);
      table.dataset.pages = String(pages);
      table.dataset.shown = String(n);
      if (charted) drawChart(chartBox, doc, cols, slice);
    }

    function applyFilter() {
      const q = filter.value.trim().toLowerCase();
      shown = q ? order.filter((r) => r.text.includes(q)) : order;
      page = 0;
      draw();
    }

    [...table.tHead.rows[0].cells].forEach((th, j) => {
      th.classList.add("sortable");
      th.tabIndex = 0;
      th.setAttribute("aria-sort", "none");
      const sort = () => {
        dir = sortCol === j ? -dir : 1;
        sortCol = j;
        for (const other of table.tHead.rows[0].cells) other.setAttribute("aria-sort", "none");
        th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
        order = all.slice().sort(compare);
        applyFilter();
      };
      th.addEventListener("click", sort);
      th.addEventListener("keydown", (e) => {
        if (e.key === "Enter" || e.key === " ") {
          e.preventDefault();
          sort();
        }
      });
    });
    filter.addEventListener("input", applyFilter);
    prev.addEventListener("click", () => {
      page -= 1;
      draw();
    });
    next.addEventListener("click", () => {
      page += 1;
      draw();
    });
    table.closest(".scroll").before(tools, chartBox);
    draw();
  }

  async function run() {
    runButton.disabled = true;
    results.dataset.state = "running";
    status.textContent = t("running…");
    downloads.replaceChildren();
    const started = performance.now();
    try {
      let doc;
      let base = null;
      remember();
      if (packaged) {
        base = packagedUrl();
        doc = await getTable(base);
      } else {
        doc = await getTable("/sparql", {
          method: "POST",
          headers: { "Content-Type": "application/sparql-query" },
          body: editor.get(),
        });
        if (editor.get().length <= MAX_URL_QUERY) base = "/sparql?query=" + encodeURIComponent(editor.get());
      }
      if (base) downloadLinks(base, doc.kind);
      const n = renderTable(doc, results);
      if (doc.kind === "select") interactive(doc, results);
      const ms = Math.round(performance.now() - started);
      const what = n === null ? (LKG.lang === "es" ? "respuesta en grafo" : "graph answer") : `${n} ${t(n === 1 ? "row" : "rows")}`;
      status.textContent = `${what} · ${ms} ms`;
      results.dataset.kind = doc.kind;
      results.dataset.state = "done";
    } catch (error) {
      showError(results, error);
      status.textContent = "";
      results.dataset.state = "error";
    } finally {
      runButton.disabled = false;
    }
  }

  select.addEventListener("change", () => {
    showQuery(select.value, null);
    results.replaceChildren();
    remember();
  });
  runButton.addEventListener("click", run);

  (async () => {
    setMode();
    try {
      const resp = await fetch("/queries", { headers: { Accept: "application/json" } });
      const list = await resp.json();
      for (const q of list) {
        catalogue[q.name] = q;
        select.append(el("option", { value: q.name }, `${q.name} — ${q.summary}`));
      }
      select.dataset.loaded = String(list.length);
    } catch (error) {
      showError(results, error);
      return;
    }
    // a link names its query: ?name=… (packaged, parameters as p.NAME) or ?query=… runs it at once
    const name = search.get("name");
    const text = search.get("query");
    if (name && catalogue[name]) {
      showQuery(name, search);
      run();
    } else if (text !== null && text.trim() !== "") {
      editor.set(text);
      run();
    }
  })();
})();
