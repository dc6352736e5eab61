/* The query page's editor: YASQE (SPARQL highlighting, syntax check, completion of laborkg's own prefixes and
   terms, nothing asked of any other server) when laborkg serves it (npm installs it: docs/server.md), else the
   plain textarea. Either way the textarea holds the text, so the rest of the page reads one place. */
"use strict";

/** The editor over `textarea`: { get(), set(text), kind }; onEdit runs when the person edits the text, onRun
   on Ctrl-Enter (Cmd-Enter). */
LKG.sparqlEditor = (textarea, { onEdit, onRun }) => {
  const runKey = (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onRun();
    }
  };
  textarea.addEventListener("input", onEdit);
  textarea.addEventListener("keydown", runKey);
  const plain = { kind: "plain", get: () => textarea.value, set: (text) => (textarea.value = text) };
  if (typeof window.Yasqe !== "function") return plain;

  const Yasqe = window.Yasqe;
  if (!Yasqe.Autocompleters["laborkg-terms"]) Yasqe.registerAutocompleter(LKG.termCompleter(), false);
  const declared = LKG.predeclare(Yasqe);
  const box = document.createElement("div");
  box.className = "sparql-editor";
  textarea.after(box);
  let yasqe;
  try {
    yasqe = new Yasqe(box, {
      value: textarea.value,
      persistenceId: null, // the page's URL names the query, not the browser's storage
      consumeShareLink: null,
      createShareableLink: null, // the page's own URL is the link (query.js)
      showQueryButton: false, // the page's own Run button
      prefixCcApi: "/assets/editor/prefixes.json", // laborkg's prefixes, from laborkg itself
      autocompleters: ["prefixes", "variables", "laborkg-terms"], // no Linked Open Vocabularies lookups
      requestConfig: { endpoint: "/sparql" },
      editorHeight: "260px",
      screenReaderLabel: textarea.getAttribute("aria-label") || "SPARQL",
      extraKeys: { "Ctrl-Enter": () => onRun(), "Cmd-Enter": () => onRun() },
    });
  } catch (error) {
    console.warn("laborkg: the SPARQL editor did not start; the plain editor stays", error);
    box.remove();
    return plain;
  }
  textarea.hidden = true;
  document.body.dataset.editor = "yasqe";
  let setting = false;
  // laborkg declares its prefixes before every query: once known, the syntax check knows them too
  fetch("/assets/editor/prefixes.json")
    .then((resp) => (resp.ok ? resp.json() : {}))
    .then((prefixes) => {
      Object.assign(declared, prefixes);
      yasqe.setOption("mode", yasqe.getOption("mode")); // parsed again, with them
      yasqe.checkSyntax();
    })
    .catch(() => {});
  yasqe.on("change", () => {
    textarea.value = yasqe.getValue();
    if (!setting) onEdit();
  });
  return {
    kind: "yasqe",
    yasqe,
    get: () => yasqe.getValue(),
    set(text) {
      setting = true;
      try {
        yasqe.setValue(text);
      } finally {
        setting = false;
      }
      textarea.value = text;
    },
  };
};

/** YASQE's SPARQL mode, its parse starting with the prefixes of the returned object declared (laborkg
   declares them before every query, so "lkg:" alone is no error). */
LKG.predeclare = (Yasqe) => {
  const declared = {};
  const original = Yasqe.modes.sparql11;
  if (!original || original.laborkg) return original ? original.laborkg : declared;
  const mode = (config, parserConfig) => {
    const m = original(config, parserConfig);
    const start = m.startState;
    m.startState = (...args) => {
      const state = start.apply(m, args);
      state.prefixes = { ...declared, ...state.prefixes };
      return state;
    };
    return m;
  };
  mode.laborkg = declared;
  Yasqe.defineMode("sparql11", mode);
  return declared;
};

/** A YASQE completer of laborkg's own classes and properties as prefixed names (lkg:Funding, lkg:amount …),
   asked once of laborkg's own SPARQL endpoint. */
LKG.termCompleter = () => {
  const QUERY =
    "SELECT DISTINCT ?term WHERE { { ?term a owl:Class } UNION { ?term a owl:ObjectProperty } UNION " +
    "{ ?term a owl:DatatypeProperty } FILTER(STRSTARTS(STR(?term), STR(lkg:))) }";
  const NS = "https://w3id.org/laborkg/ontology#";
  return {
    name: "laborkg-terms",
    bulk: true,
    autoShow: true,
    persistenceId: null,
    isValidCompletionPosition(yasqe) {
      const token = yasqe.getCompleteToken();
      return /^lkg:[A-Za-z0-9_-]*$/.test(token.string);
    },
    preProcessToken(yasqe, token) {
      return { ...token, autocompletionString: token.string };
    },
    postProcessSuggestion(yasqe, token, suggestion) {
      return suggestion;
    },
    async get() {
      const resp = await fetch("/sparql", {
        method: "POST",
        headers: { "Content-Type": "application/sparql-query", Accept: "application/sparql-results+json" },
        body: QUERY,
      });
      if (!resp.ok) return [];
      const doc = await resp.json();
      return doc.results.bindings.map((b) => "lkg:" + b.term.value.slice(NS.length)).sort();
    },
  };
};
