/* The query page: packaged queries as examples (run with their parameters bound by the engine) and a
   SPARQL editor for ad-hoc read-only queries. Results as tables with labels and source quotes. */
"use strict";

(() => {
  const { el, getTable, renderTable, showError } = LKG;
  const select = document.getElementById("example");
  const editor = document.getElementById("editor");
  const paramsBox = document.getElementById("params");
  const summary = document.getElementById("summary");
  const mode = document.getElementById("mode");
  const runButton = document.getElementById("run");
  const status = document.getElementById("status");
  const downloads = document.getElementById("downloads");
  const results = document.getElementById("results");
  const search = new URLSearchParams(location.search);
  let catalogue = {};
  let packaged = null; // the packaged query shown, until the text is edited

  function setMode() {
    mode.textContent = packaged
      ? `packaged query “${packaged}” (parameters bound by the engine)`
      : "ad-hoc SPARQL";
    mode.classList.toggle("adhoc", !packaged);
  }

  function showQuery(name, values) {
    const q = catalogue[name];
    packaged = q ? name : null;
    paramsBox.replaceChildren();
    summary.textContent = q ? q.summary : "";
    if (q) {
      editor.value = q.text;
      for (const p of q.params) {
        const input = el("input", {
          name: p.name,
          "data-param": p.name,
          placeholder: p.default || (p.required ? "required" : "optional"),
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

  function remember() {
    const u = new URLSearchParams();
    if (LKG.lang !== "en") u.set("labels", LKG.lang);
    if (packaged) {
      u.set("name", packaged);
      for (const input of paramsBox.querySelectorAll("input[data-param]")) {
        if (input.value.trim() !== "") u.set("p." + input.dataset.param, input.value.trim());
      }
    }
    history.replaceState(null, "", location.pathname + (u.toString() ? "?" + u : ""));
  }

  function downloadLinks(base) {
    downloads.replaceChildren("download: ");
    for (const [fmt, label] of [["json", "SPARQL JSON"], ["csv", "CSV"], ["tsv", "TSV"], ["xml", "XML"]]) {
      const sep = base.includes("?") ? "&" : "?";
      downloads.append(el("a", { href: `${base}${sep}format=${fmt}` }, label), " ");
    }
  }

  async function run() {
    runButton.disabled = true;
    results.dataset.state = "running";
    status.textContent = "running…";
    downloads.replaceChildren();
    const started = performance.now();
    try {
      let doc;
      if (packaged) {
        const url = packagedUrl();
        remember();
        doc = await getTable(url);
        downloadLinks(url);
      } else {
        remember();
        doc = await getTable("/sparql", {
          method: "POST",
          headers: { "Content-Type": "application/sparql-query" },
          body: editor.value,
        });
        if (editor.value.length < 4000) downloadLinks("/sparql?query=" + encodeURIComponent(editor.value));
      }
      const n = renderTable(doc, results);
      const ms = Math.round(performance.now() - started);
      status.textContent = n === null ? `graph answer in ${ms} ms` : `${n} row${n === 1 ? "" : "s"} in ${ms} ms`;
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
  editor.addEventListener("input", () => {
    if (packaged) {
      packaged = null;
      paramsBox.replaceChildren();
      select.value = "";
      setMode();
    }
  });
  editor.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      run();
    }
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
    const name = search.get("name");
    if (name && catalogue[name]) showQuery(name, search);
    if (search.get("run") === "1") run();
  })();
})();
