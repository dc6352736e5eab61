/* laborkg web view: shared helpers (plain JavaScript, no libraries, nothing fetched from elsewhere). */
"use strict";

const LKG = (() => {
  const TABLE = "application/vnd.laborkg.table+json";
  const SVGNS = "http://www.w3.org/2000/svg";
  const search = new URLSearchParams(location.search);
  const lang = search.get("labels") === "es" ? "es" : "en";
  document.documentElement.lang = lang;

  /** The interface in Spanish: English text (or a data-i18n key) → Spanish. */
  const ES = {
    Home: "Inicio",
    Query: "Consulta",
    "Packaged queries": "Consultas preparadas",
    Timeline: "Cronología",
    "Funding graph": "Grafo de financiamiento",
    "Enforcement 2021–2022": "Aplicación de la ley 2021–2022",
    Countries: "Países",
    "Compare countries": "Comparar países",
    language: "idioma:",
    "query-title": "Preguntar al grafo de conocimiento",
    "query-lead":
      "Elija una consulta preparada (el motor SPARQL vincula sus parámetros) o escriba su propia consulta " +
      "SPARQL de solo lectura. Los prefijos <code>lkg: lkr: lkp: lkc: rdfs: skos: org: schema: …</code> están " +
      "declarados. Un enlace a esta página con <code>?query=</code> o <code>?name=</code> ejecuta la consulta.",
    "findings-links":
      "Los hallazgos del USDOL sobre las peores formas de trabajo infantil, año por año: " +
      '<a href="/countries?labels=es" id="link-countries">el perfil y las cifras de cada país</a> · ' +
      '<a href="/compare?labels=es" id="link-compare">un indicador comparado entre países</a>.',
    "Packaged query": "Consulta preparada",
    "— write your own —": "— escriba la suya —",
    Run: "Ejecutar",
    "running…": "ejecutando…",
    "loading…": "cargando…",
    "download:": "descargar:",
    "ad-hoc SPARQL": "SPARQL propia",
    required: "obligatorio",
    optional: "opcional",
    "filter rows": "filtrar filas",
    previous: "anterior",
    next: "siguiente",
    of: "de",
    rows: "filas",
    row: "fila",
    Sources: "Fuentes",
    passages: "pasajes",
    passage: "pasaje",
    events: "eventos",
    "timeline-title": "Cronología de eventos",
    "timeline-lead":
      "Los eventos que fechan las fuentes, con la precisión que dan (un año, un mes o un día), de la consulta " +
      'preparada <a href="/queries#timeline"><code>timeline</code></a>. Cada evento enlaza a su página con sus fuentes.',
    From: "Desde",
    To: "Hasta",
    Show: "Mostrar",
    "graph-title": "Financiamiento: financiadores → programas → beneficiarios",
    "graph-lead":
      "Cada hecho de financiamiento como un flujo del financiador, por la iniciativa financiada, a su beneficiario " +
      '(consulta preparada <a href="/queries#funding-flows"><code>funding-flows</code></a>). Las iniciativas ' +
      "canceladas se dibujan en rojo con borde discontinuo; las suspendidas, en naranja.",
    "stats-title": "Estadísticas de aplicación de la ley, 2021 frente a 2022",
    "stats-lead":
      "Cifras de las autoridades laborales y penales de México (consulta preparada " +
      '<a href="/queries#enforcement-statistics"><code>enforcement-statistics</code></a>). Las barras se escalan ' +
      "por fila; un * marca una salvedad (pase el ratón por encima): léalas antes de comparar los dos años.",
    "Yes/no indicators": "Indicadores de sí o no",
    funders: "financiadores",
    initiatives: "iniciativas",
    beneficiaries: "beneficiarios",
    cancelled: "canceladas",
    "(red, dashed).": "(en rojo, discontinuas).",
    "download chart:": "descargar gráfico:",
    "chart of": "gráfico de",
    Chart: "Gráfico",
  };

  /** An interface string in the page's language (English is the key). */
  function t(text) {
    return lang === "es" && ES[text] !== undefined ? ES[text] : text;
  }

  /** Elements marked data-i18n get their Spanish text (data-i18n-html: their Spanish markup, ours). */
  function translatePage() {
    if (lang === "en") return;
    for (const node of document.querySelectorAll("[data-i18n]")) {
      const key = node.dataset.i18n || node.textContent.trim();
      if (ES[key] === undefined) continue;
      if (node.hasAttribute("data-i18n-html")) node.innerHTML = ES[key];
      else node.textContent = ES[key];
    }
    for (const a of document.querySelectorAll("header.top nav a")) a.textContent = t(a.textContent.trim());
    const title = document.querySelector("title");
    if (title) title.textContent = title.textContent.replace(/^[^·]+/, (m) => t(m.trim()) + " ");
  }

  /** An HTML element: el("a", {href: "/"}, "text", child…). Attributes set with setAttribute. */
  function el(tag, attrs, ...kids) {
    const node = document.createElement(tag);
    return fill(node, attrs, kids);
  }

  /** An SVG element, same call as el(). */
  function svg(tag, attrs, ...kids) {
    const node = document.createElementNS(SVGNS, tag);
    return fill(node, attrs, kids);
  }

  function fill(node, attrs, kids) {
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "text") node.textContent = String(value);
      else node.setAttribute(key, String(value));
    }
    for (const kid of kids.flat()) {
      if (kid === null || kid === undefined) continue;
      node.append(kid instanceof Node ? kid : document.createTextNode(String(kid)));
    }
    return node;
  }

  /** A URL with labels=<lang> added (so tables come back in the chosen language). */
  function withLang(url) {
    const u = new URL(url, location.href);
    u.searchParams.set("labels", lang);
    return u.pathname + u.search;
  }

  /** Fetch a labelled table (or Turtle for a graph answer); a non-2xx answer throws its JSON message. */
  async function getTable(url, init) {
    const options = Object.assign({}, init || {});
    options.headers = Object.assign({ Accept: TABLE + ", text/turtle;q=0.9" }, options.headers || {});
    const resp = await fetch(withLang(url), options);
    const type = resp.headers.get("Content-Type") || "";
    if (!resp.ok) {
      let message = `${resp.status} ${resp.statusText}`;
      try {
        const doc = await resp.json();
        message = `${resp.status} ${doc.error}: ${doc.message}`;
      } catch (e) {
        /* not JSON: keep the status line */
      }
      const error = new Error(message);
      error.status = resp.status;
      throw error;
    }
    if (type.startsWith(TABLE)) return resp.json();
    return { kind: "graph", text: await resp.text() };
  }

  const NUMERIC = /#(decimal|integer|double|float|nonNegativeInteger|positiveInteger)$/;

  /** A table cell's content: a link for the graph's own IRIs, note references for sources. */
  function cellNode(cell, prefix) {
    if (!cell) return document.createTextNode("");
    if (cell.type === "sources") {
      const span = el("span", { class: "refs" });
      cell.notes.forEach((n, i) => {
        if (i) span.append(" ");
        span.append(el("a", { class: "ref", href: `#${prefix}note-${n}` }, `[${n}]`));
      });
      return span;
    }
    if (cell.href) return el("a", { href: cell.href, title: cell.value }, cell.text);
    if (cell.type === "uri") return el("span", { title: cell.value }, cell.text);
    return document.createTextNode(cell.text);
  }

  function noteNode(note) {
    const li = el("li", { id: note.id });
    if (note.file) li.append(el("span", { class: "seed" }, note.file), " ");
    li.append(note.quote ? el("q", {}, note.quote) : note.iri);
    if (note.href) li.append(" ", el("a", { href: note.href }, t("passage")));
    return li;
  }

  /** Render a labelled table (rows, notes) or an ASK answer or a graph answer into container. */
  function renderTable(doc, container, prefix) {
    prefix = prefix || "";
    container.replaceChildren();
    if (doc.kind === "ask") {
      container.append(el("p", { class: "ask" }, doc.boolean ? (lang === "es" ? "sí" : "yes") : "no"));
      return 1;
    }
    if (doc.kind === "graph") {
      container.append(el("pre", { class: "turtle" }, doc.text));
      return null;
    }
    const table = el("table", { class: "results" });
    table.append(el("thead", {}, el("tr", {}, doc.vars.map((v) => el("th", {}, v)))));
    const body = el("tbody");
    for (const row of doc.rows) {
      const tr = el("tr");
      row.forEach((cell) => {
        const numeric = cell && cell.datatype && NUMERIC.test(cell.datatype);
        tr.append(el("td", { class: numeric ? "num" : null }, cellNode(cell, prefix)));
      });
      body.append(tr);
    }
    table.append(body);
    container.append(el("div", { class: "scroll" }, table));
    const n = doc.rows.length;
    container.append(el("p", { class: "count" }, `${n} ${t(n === 1 ? "row" : "rows")}`));
    if (doc.notes && doc.notes.length) {
      container.append(el("h2", {}, t("Sources")));
      const ol = el("ol", { class: "notes" });
      for (const note of doc.notes) ol.append(noteNode(Object.assign({ id: `${prefix}note-${note.n}` }, note)));
      container.append(ol);
    }
    return n;
  }

  /** Shorten an SVG text (already in the document) with "…" until it is at most max pixels wide. */
  function fitText(node, max) {
    if (!node || !node.getComputedTextLength || node.getComputedTextLength() <= max) return;
    const full = node.textContent;
    let lo = 0;
    let hi = full.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      node.textContent = full.slice(0, mid) + "…";
      if (node.getComputedTextLength() <= max) lo = mid;
      else hi = mid - 1;
    }
    node.textContent = full.slice(0, lo).trimEnd() + "…";
  }

  /** Keep the other URL parameters when switching the label language. */
  function setupLangSwitch() {
    for (const a of document.querySelectorAll("header.top a.lang")) {
      const u = new URL(location.href);
      u.searchParams.set("labels", a.dataset.lang);
      a.href = u.pathname + u.search + u.hash;
      a.classList.toggle("on", a.dataset.lang === lang);
    }
    for (const a of document.querySelectorAll("header.top nav a")) {
      const u = new URL(a.getAttribute("href"), location.href);
      if (u.pathname === location.pathname) a.setAttribute("aria-current", "page");
      if (lang !== "en") {
        u.searchParams.set("labels", lang);
        a.href = u.pathname + u.search;
      }
    }
  }

  function showError(container, error) {
    container.replaceChildren(el("div", { class: "error", role: "alert" }, String(error.message || error)));
  }

  let styleText = null;

  /** The SVG chart in ``figure`` as a standalone file: the page's style sheet inlined (data: URL). */
  async function svgFile(chart) {
    if (styleText === null) {
      try {
        styleText = await (await fetch("/static/style.css")).text();
      } catch (e) {
        styleText = "";
      }
    }
    const copy = chart.cloneNode(true);
    copy.setAttribute("xmlns", SVGNS);
    const box = chart.getBoundingClientRect();
    if (!copy.getAttribute("width")) copy.setAttribute("width", String(Math.round(box.width)));
    if (!copy.getAttribute("height")) copy.setAttribute("height", String(Math.round(box.height)));
    const style = document.createElementNS(SVGNS, "style");
    style.textContent = styleText + "\nsvg { background: #fff; font-family: sans-serif; }";
    copy.insertBefore(style, copy.firstChild);
    const text = new XMLSerializer().serializeToString(copy);
    return { text, width: Math.round(box.width), height: Math.round(box.height) };
  }

  /** "download chart: SVG · PNG" links under the SVG chart in ``container`` (made when clicked). */
  function chartDownloads(container, name) {
    const old = container.parentNode && container.parentNode.querySelector(`.chart-downloads[data-for="${container.id}"]`);
    if (old) old.remove();
    const chart = container.querySelector("svg");
    if (!chart) return null;
    const svgLink = el("a", { href: "#", class: "download-svg", download: `${name}.svg` }, "SVG");
    const pngLink = el("a", { href: "#", class: "download-png", download: `${name}.png` }, "PNG");
    svgLink.addEventListener("click", async (event) => {
      if (svgLink.dataset.ready) return;
      event.preventDefault();
      const file = await svgFile(chart);
      svgLink.href = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(file.text);
      svgLink.dataset.ready = "1";
      svgLink.click();
    });
    pngLink.addEventListener("click", async (event) => {
      if (pngLink.dataset.ready) return;
      event.preventDefault();
      const file = await svgFile(chart);
      const img = new Image();
      img.onload = () => {
        const canvas = document.createElement("canvas");
        canvas.width = file.width * 2;
        canvas.height = file.height * 2;
        const ctx = canvas.getContext("2d");
        ctx.fillStyle = "#fff";
        ctx.fillRect(0, 0, canvas.width, canvas.height);
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        pngLink.href = canvas.toDataURL("image/png");
        pngLink.dataset.ready = "1";
        pngLink.click();
      };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(file.text);
    });
    const box = el("p", { class: "chart-downloads", "data-for": container.id || "" }, t("download chart:"), " ", svgLink, " · ", pngLink);
    container.after(box);
    return box;
  }

  translatePage();
  setupLangSwitch();
  return { TABLE, lang, t, el, svg, fitText, getTable, renderTable, cellNode, showError, withLang, chartDownloads, svgFile };
})();
