/* laborkg web view: shared helpers (plain JavaScript, no libraries, nothing fetched from elsewhere). */
"use strict";

const LKG = (() => {
  const TABLE = "application/vnd.laborkg.table+json";
  const SVGNS = "http://www.w3.org/2000/svg";
  const search = new URLSearchParams(location.search);
  const lang = search.get("labels") === "es" ? "es" : "en";

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
    if (note.href) li.append(" ", el("a", { href: note.href }, "passage"));
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
    container.append(el("p", { class: "count" }, `${n} row${n === 1 ? "" : "s"}`));
    if (doc.notes && doc.notes.length) {
      container.append(el("h2", {}, lang === "es" ? "Fuentes" : "Sources"));
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
      if (a.getAttribute("href") === location.pathname) a.setAttribute("aria-current", "page");
      if (lang !== "en") a.href = a.getAttribute("href") + "?labels=" + lang;
    }
  }

  function showError(container, error) {
    container.replaceChildren(el("div", { class: "error", role: "alert" }, String(error.message || error)));
  }

  setupLangSwitch();
  return { TABLE, lang, el, svg, fitText, getTable, renderTable, cellNode, showError, withLang };
})();
