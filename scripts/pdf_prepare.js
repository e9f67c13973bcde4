// Turns the single-page build of the course into the page scripts/pdf.py prints.
//
// Called as `prepare(options)` once MathJax has typeset the page.  It
//  * lifts every chapter and appendix out of the introduction's last section
//    and gives its headings the levels of a book (the document's title h1, its
//    sections h2, ...), so the printed outline has one top-level entry per
//    document;
//  * makes every id unique: the single page repeats the ids each page had on
//    its own (id1, exercises, ...), so a citation's link would land in another
//    chapter's reference list;
//  * drops each chapter's install cell, and the code hidden behind a "Show
//    code cell source" toggle (its output stays);
//  * moves each exercise's folded hints and solution to "Hints and solutions"
//    at the end of its chapter, and opens every other folded block in place;
//  * replaces each explorer's note with one line saying what the live
//    explorer adds and where to find it;
//  * adds a title page, a note on how this copy differs from the site, and a
//    table of contents whose page numbers a second pass fills in.
// It returns what it did, for the build's log and its checks.
(options) => {
  const article = document.querySelector("article.bd-article");
  const intro = article.querySelector(":scope > section");
  const report = { documents: [], solutions: 0, explorers: 0, opened: 0 };

  // 1. One section per document, in the order of the table of contents.
  const docs = [{ name: options.root, section: intro }];
  for (const span of article.querySelectorAll('span[id^="document-"]')) {
    const section = span.nextElementSibling;
    docs.push({ name: span.id.slice("document-".length), section });
  }
  let last = intro;
  for (const doc of docs.slice(1)) {
    last.after(doc.section);
    last = doc.section;
  }
  for (const wrapper of article.querySelectorAll(".toctree-wrapper")) {
    if (!wrapper.querySelector("section")) wrapper.remove();
  }
  const retag = (element, tag) => {
    const copy = document.createElement(tag);
    for (const a of element.attributes) copy.setAttribute(a.name, a.value);
    while (element.firstChild) copy.appendChild(element.firstChild);
    element.replaceWith(copy);
    return copy;
  };
  for (const doc of docs) {
    doc.section.classList.add("gd-doc");
    doc.section.dataset.doc = doc.name;
    for (const h of doc.section.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
      let depth = 0;
      for (let s = h.parentElement; s && s !== article; s = s.parentElement) {
        if (s.tagName === "SECTION") depth += 1;
      }
      const tag = `H${Math.min(depth, 6)}`;
      if (h.tagName !== tag) retag(h, tag);
    }
    for (const link of doc.section.querySelectorAll("a.headerlink")) link.remove();
    const title = doc.section.querySelector("h1");
    const number = title.querySelector(".section-number");
    doc.number = number ? number.textContent.trim().replace(/\.$/, "") : "";
    doc.title = title.textContent.replace(number ? number.textContent : "", "").trim();
    report.documents.push({ name: doc.name, number: doc.number, title: doc.title });
  }

  // 2. Unique ids: each document's own ids get its prefix; links follow.
  const owner = new Map(); // id -> list of documents that define it
  docs.forEach((doc, k) => {
    doc.key = `d${k}`;
    doc.ids = new Set();
    for (const e of doc.section.querySelectorAll("[id]")) doc.ids.add(e.id);
    doc.ids.add(doc.section.id);
    for (const id of doc.ids) owner.set(id, [...(owner.get(id) || []), doc]);
  });
  for (const [id, list] of owner) {
    if (list.length < 2) continue;
    for (const doc of list) {
      const elements = [
        doc.section.id === id ? doc.section : null,
        ...doc.section.querySelectorAll(`[id="${CSS.escape(id)}"]`),
      ].filter(Boolean);
      for (const e of elements) e.id = `${doc.key}-${id}`;
    }
  }
  const unresolved = [];
  for (const doc of docs) {
    for (const a of doc.section.querySelectorAll('a[href^="#"]')) {
      const id = decodeURIComponent(a.getAttribute("href").slice(1));
      const list = owner.get(id);
      if (id.startsWith("document-")) {
        const target = docs.find((d) => `document-${d.name}` === id);
        if (target) a.setAttribute("href", `#${target.section.id}`);
        else unresolved.push(id);
      } else if (!list) {
        unresolved.push(id);
      } else if (list.length > 1) {
        const here = list.includes(doc) ? doc : null;
        if (here) a.setAttribute("href", `#${doc.key}-${id}`);
        else unresolved.push(id);
      }
    }
  }
  report.unresolved = unresolved;

  // 3. Code cells: the install cell goes, hidden sources go, outputs stay.
  for (const doc of docs) {
    const first = doc.section.querySelector("div.cell");
    if (first && first.classList.contains("tag_hide-cell")) first.remove();
    for (const cell of doc.section.querySelectorAll("div.cell.tag_hide-input")) {
      for (const d of cell.querySelectorAll(":scope > details.hide")) d.remove();
    }
  }
  const unfold = (details) => {
    // A folded code cell's content, without its toggle.
    for (const s of details.querySelectorAll(":scope > summary")) s.remove();
    details.replaceWith(...details.childNodes);
  };
  const asBlock = (dropdown, kind) => {
    // A sphinx-design dropdown as an open, titled block.
    const block = document.createElement("div");
    block.className = `gd-pdf-block gd-pdf-${kind}`;
    const title = document.createElement("p");
    title.className = "gd-pdf-block-title";
    title.textContent = dropdown.querySelector(".sd-summary-text").textContent.trim();
    block.appendChild(title);
    const body = dropdown.querySelector(".sd-summary-content");
    block.append(...body.childNodes);
    dropdown.replaceWith(block);
    return block;
  };

  // 4. Exercises: hints and solutions to the end of the chapter.
  const isExercise = (e) =>
    e.matches("div.admonition") &&
    /^Exercise \d+\.\d+/.test(e.querySelector(".admonition-title")?.textContent || "");
  for (const doc of docs) {
    const items = doc.section.querySelectorAll(
      "section, div.admonition, details.sd-dropdown, div.cell.tag_hide-cell"
    );
    const collected = []; // [exercise admonition, [moved elements]]
    let current = null;
    for (const e of items) {
      if (e.tagName === "SECTION") {
        if (current && !e.contains(current[0])) current = null;
      } else if (isExercise(e)) {
        current = [e, []];
        collected.push(current);
      } else if (current && e.matches("div.cell.tag_hide-cell")) {
        current[1].push(e);
      } else if (current && e.matches("details.sd-dropdown")) {
        const label = e.querySelector(".sd-summary-text")?.textContent.trim() || "";
        if (/^(Hint( \d+)?|Solution)$/.test(label)) current[1].push(e);
      }
    }
    const withParts = collected.filter(([, parts]) => parts.length);
    if (!withParts.length) continue;
    const section = document.createElement("section");
    section.className = "gd-pdf-solutions";
    section.id = `${doc.key}-hints-and-solutions`;
    const heading = document.createElement("h2");
    heading.textContent = doc.number
      ? `Hints and solutions to chapter ${doc.number}`
      : "Hints and solutions";
    section.appendChild(heading);
    for (const [exercise, parts] of withParts) {
      const name = exercise.querySelector(".admonition-title").textContent.trim();
      const id = `${doc.key}-solution-${name.match(/^Exercise (\d+\.\d+)/)[1]}`;
      const h = document.createElement("h3");
      h.id = id;
      h.textContent = name;
      section.appendChild(h);
      for (const part of parts) {
        if (part.matches("details.sd-dropdown")) {
          const kind = /^Hint/.test(part.querySelector(".sd-summary-text").textContent.trim())
            ? "hint"
            : "solution";
          section.appendChild(asBlock(part, kind));
        } else {
          for (const d of part.querySelectorAll(":scope > details.hide")) unfold(d);
          section.appendChild(part);
        }
        report.solutions += 1;
      }
      const note = document.createElement("p");
      note.className = "gd-pdf-solution-link";
      const link = document.createElement("a");
      link.href = `#${id}`;
      link.textContent = "Hints and solution";
      note.append(link, " at the end of the chapter.");
      exercise.appendChild(note);
    }
    doc.section.appendChild(section);
  }
  // Every other folded block is printed open, where it stands.
  for (const dropdown of article.querySelectorAll("details.sd-dropdown")) {
    asBlock(dropdown, "dropdown");
    report.opened += 1;
  }
  for (const details of article.querySelectorAll("details")) {
    unfold(details);
    report.opened += 1;
  }

  // 5. Explorers: the stored picture, and what the live one adds.
  for (const doc of docs) {
    for (const explorer of doc.section.querySelectorAll(".gd-explorer")) {
      const data = JSON.parse(explorer.querySelector(".gd-explorer-data").textContent);
      const controls = data.controls.map((c) => c.label);
      const list =
        controls.length > 1
          ? `${controls.slice(0, -1).join(", ")} and ${controls[controls.length - 1]}`
          : controls[0];
      const url = `${options.site}${doc.name}.html`;
      const note = explorer.querySelector(".gd-explorer-note");
      note.className = "gd-explorer-note gd-pdf-explorer-note";
      note.replaceChildren(
        `Printed at its default setting; the live explorer adds controls for ${list}, ` +
          "and runs on the chapter's page, ",
        Object.assign(document.createElement("a"), { href: url, textContent: url }),
        ", and in the notebook."
      );
      report.explorers += 1;
    }
  }

  // 6. Title page, how to read this copy, contents.
  const front = document.createElement("section");
  front.className = "gd-pdf-front";
  const cover = document.createElement("div");
  cover.className = "gd-pdf-cover";
  cover.innerHTML = `
    <p class="gd-pdf-cover-title"></p>
    <p class="gd-pdf-cover-author"></p>
    <p class="gd-pdf-cover-site">The course online: <a></a></p>`;
  cover.querySelector(".gd-pdf-cover-title").textContent = options.title;
  cover.querySelector(".gd-pdf-cover-author").textContent = options.author;
  const site = cover.querySelector(".gd-pdf-cover-site a");
  site.href = options.site;
  site.textContent = options.site;
  const about = document.createElement("div");
  about.className = "gd-pdf-about";
  for (const text of options.about) {
    const p = document.createElement("p");
    p.textContent = text;
    about.appendChild(p);
  }
  cover.appendChild(about);
  front.appendChild(cover);
  const contents = document.createElement("nav");
  contents.className = "gd-pdf-contents";
  const ct = document.createElement("p");
  ct.className = "gd-pdf-contents-title";
  ct.textContent = "Contents";
  contents.appendChild(ct);
  const byName = new Map(docs.map((d) => [d.name, d]));
  const addEntry = (list, doc, level, target, text, number) => {
    const li = document.createElement("li");
    li.className = `gd-pdf-toc-${level}`;
    const a = document.createElement("a");
    a.href = `#${target}`;
    const label = document.createElement("span");
    label.className = "gd-pdf-toc-label";
    const n = document.createElement("span");
    n.className = "gd-pdf-toc-number";
    n.textContent = number;
    label.appendChild(n);
    label.append(text);
    const page = document.createElement("span");
    page.className = "gd-pdf-toc-page";
    page.dataset.target = target;
    page.textContent = options.pages[target] || "000";
    a.append(label, page);
    li.appendChild(a);
    list.appendChild(li);
  };
  for (const part of options.parts) {
    if (part.caption) {
      const p = document.createElement("p");
      p.className = "gd-pdf-contents-part";
      p.textContent = part.caption;
      contents.appendChild(p);
    }
    const list = document.createElement("ol");
    for (const name of part.docs) {
      const doc = byName.get(name);
      addEntry(list, doc, 1, doc.section.id, doc.title, doc.number);
      if (doc.number) {
        for (const s of doc.section.querySelectorAll(":scope > section")) {
          const h = s.querySelector(":scope > h2");
          const n = h.querySelector(".section-number");
          const text = h.textContent.replace(n ? n.textContent : "", "").trim();
          addEntry(list, doc, 2, s.id, text, n ? n.textContent.trim().replace(/\.$/, "") : "");
        }
      }
    }
    contents.appendChild(list);
  }
  front.appendChild(contents);
  intro.before(front);
  report.targets = [...contents.querySelectorAll(".gd-pdf-toc-page")].map(
    (e) => e.dataset.target
  );
  // The bookmarks' titles, in order (Chromium's own repeat some words).
  report.headings = [...article.querySelectorAll("section.gd-doc :is(h1, h2, h3, h4, h5, h6)")]
    .map((h) => h.textContent.replace(/\s+/g, " ").trim());
  document.documentElement.classList.add("gd-pdf");
  return report;
}
