// Search box of the search page: queries this language's Pagefind index.
// Without JavaScript the form stays hidden and the page's lists remain.
const root = document.getElementById("search");
const form = root.querySelector("form");
const input = form.querySelector("input");
const statusLine = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const selects = [...form.querySelectorAll("select[data-filter]")];
const LIMIT = 30;
let pagefind;
let latest = 0;

// Pagefind's excerpts are HTML with <mark> around matches: keep only text and the marks.
function excerptNodes(html) {
  const parsed = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.firstChild;
  const out = document.createDocumentFragment();
  for (const node of parsed.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      out.append(mark);
    } else {
      out.append(node.textContent);
    }
  }
  return out;
}

function show(results) {
  list.replaceChildren(...results.map((data) => {
    const item = document.createElement("li");
    const heading = document.createElement("h2");
    const link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.append(link);
    item.append(heading);
    const facts = [data.meta.kind, data.meta.status, data.meta.deadline].filter(Boolean);
    if (facts.length) {
      const line = document.createElement("p");
      line.className = "search-facts";
      line.textContent = facts.join(" · ");
      item.append(line);
    }
    const excerpt = document.createElement("p");
    excerpt.append(excerptNodes(data.excerpt || ""));
    item.append(excerpt);
    return item;
  }));
}

// Pages that contain the words side by side come first ("so xay dung" as a phrase), then the rest.
async function run() {
  const query = input.value.trim();
  const filters = {};
  for (const select of selects) if (select.value) filters[select.dataset.filter] = select.value;
  const ticket = ++latest;
  if (!query && !Object.keys(filters).length) {
    list.replaceChildren();
    statusLine.textContent = "";
    return;
  }
  statusLine.textContent = root.dataset.searching;
  const words = query.split(/\s+/).filter(Boolean);
  const searches = [pagefind.search(query || null, { filters })];
  if (words.length > 1) searches.unshift(pagefind.search(`"${words.join(" ").replaceAll('"', "")}"`, { filters }));
  const found = await Promise.all(searches);
  if (ticket !== latest) return;
  const seen = new Set();
  const merged = [];
  for (const search of found) {
    for (const result of search.results) {
      if (!seen.has(result.id)) {
        seen.add(result.id);
        merged.push(result);
      }
    }
  }
  const data = await Promise.all(merged.slice(0, LIMIT).map((result) => result.data()));
  if (ticket !== latest) return;
  show(data);
  statusLine.textContent = merged.length
    ? root.dataset.results.replace("{count}", merged.length)
    : root.dataset.noResults;
  root.dataset.searched = query;
}

async function start() {
  try {
    pagefind = await import(root.dataset.pagefind);
    await pagefind.options({ baseUrl: root.dataset.base, excerptLength: 20 });
    const filters = await pagefind.filters();
    for (const select of selects) {
      const values = Object.keys(filters[select.dataset.filter] || {}).sort((a, b) => a.localeCompare(b));
      for (const value of values) select.append(new Option(value, value));
    }
  } catch (error) {
    statusLine.textContent = root.dataset.failed;
    return;
  }
  form.hidden = false;
  const query = new URLSearchParams(location.search).get("q");
  if (query) input.value = query;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(run, 250);
  });
  for (const select of selects) select.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", `?q=${encodeURIComponent(input.value.trim())}`);
    run();
  });
  root.dataset.ready = "true";
  if (query) run();
}

start();
