#!/usr/bin/python3
"""Builds a parallel corpus from two unpacked LibreOffice help trees.

Called by build-libreoffice-help.sh, which downloads and unpacks the Debian packages;
this file only reads HTML and writes text, with Python's standard library alone, so the
result depends on nothing but the package contents.

The help is written once in English and translated paragraph by paragraph; every
translated page keeps the file name and the element ids of its English original. A pair
is therefore (same page path, same element id) on both sides.

Usage: libreoffice_help.py SRC_TEXT_DIR TGT_TEXT_DIR OUT_DIR SRC_LANG TGT_LANG
writes OUT_DIR/{train,dev,test}.{SRC_LANG,TGT_LANG}.gz and prints statistics.
"""

import collections
import gzip
import hashlib
import html.parser
import os
import sys

# Elements whose text is one translation unit when they carry an id. Table cells and list
# items hold a <p id=...> of their own, so they are covered by "p".
UNIT_TAGS = {"p", "h1", "h2", "h3", "h4", "h5", "h6"}
# Elements that never have an end tag in HTML: they must not be pushed on the tag stack.
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
             "source", "track", "wbr"}
DEV_SIZE = 1000
TEST_SIZE = 1000


class HelpPageParser(html.parser.HTMLParser):
    """Collects (element id, text) for every unit element of one help page, in page order."""

    def __init__(self):
        # convert_charrefs unescapes &amp; &#x2013; etc. before handle_data sees the text.
        super().__init__(convert_charrefs=True)
        self.units = []
        self._stack = []          # open non-void tags
        self._unit = None         # (id, depth, text pieces) of the unit being read
        self._skip_depth = None   # depth of a hidden variant whose text is left out

    def handle_starttag(self, tag, attrs):
        if tag in VOID_TAGS:
            # A line break inside a paragraph separates words.
            if tag == "br" and self._unit is not None and self._skip_depth is None:
                self._unit[2].append(" ")
            return
        attributes = dict(attrs)
        self._stack.append(tag)
        depth = len(self._stack)
        # Inline platform and application variants ("<span hidden id=MAC...>", "WRITER...")
        # sit side by side in a sentence and the help viewer shows one; keep the
        # "default..." one so the sentence reads as on screen, not as all variants glued
        # together. Whole hidden paragraphs (a Windows-only tip) are kept: each has its id.
        if (self._unit is not None and self._skip_depth is None and "hidden" in attributes
                and not (attributes.get("id") or "").startswith("default")):
            self._skip_depth = depth
        if self._unit is None and tag in UNIT_TAGS and attributes.get("id"):
            self._unit = (attributes["id"], depth, [])

    def handle_startendtag(self, tag, attrs):
        if tag == "br" and self._unit is not None and self._skip_depth is None:
            self._unit[2].append(" ")

    def handle_endtag(self, tag):
        if tag in VOID_TAGS or tag not in self._stack:
            return  # stray end tag: nothing to close
        # Pop up to and including the innermost open element with this name; elements
        # left open inside it are closed implicitly, as a browser does.
        while self._stack:
            depth = len(self._stack)
            closed = self._stack.pop()
            if self._skip_depth is not None and depth <= self._skip_depth:
                self._skip_depth = None
            if self._unit is not None and depth <= self._unit[1]:
                self.units.append((self._unit[0], normalise("".join(self._unit[2]))))
                self._unit = None
            if closed == tag:
                break

    def handle_data(self, data):
        if self._unit is not None and self._skip_depth is None:
            self._unit[2].append(data)


def normalise(text):
    # A soft hyphen is an invisible line-breaking hint, not part of the word.
    text = text.replace("\u00ad", "")
    # str.split() without arguments splits on every Unicode white space character,
    # including the no-break and narrow no-break spaces of French typography.
    return " ".join(text.split())


def read_page(path):
    parser = HelpPageParser()
    with open(path, encoding="utf-8") as f:
        parser.feed(f.read())
    parser.close()
    return parser.units


def page_paths(text_dir):
    paths = []
    for root, dirs, files in os.walk(text_dir):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(".html"):
                paths.append(os.path.relpath(os.path.join(root, name), text_dir))
    return sorted(paths)


def pair_page(source_units, target_units):
    """Pairs the units of one page by id. An id used more than once on a page (a section
    embedded twice) is paired occurrence by occurrence when both sides have it equally
    often, and left out otherwise because the correspondence is then unknown."""
    source_by_id = collections.defaultdict(list)
    target_by_id = collections.defaultdict(list)
    for unit_id, text in source_units:
        source_by_id[unit_id].append(text)
    for unit_id, text in target_units:
        target_by_id[unit_id].append(text)
    pairs = []
    seen = set()
    for unit_id, _ in source_units:  # page order of the source side
        if unit_id in seen:
            continue
        seen.add(unit_id)
        sources, targets = source_by_id[unit_id], target_by_id.get(unit_id, [])
        if len(sources) == len(targets):
            pairs.extend(zip(sources, targets))
    return pairs


def source_key(sentence):
    return hashlib.sha256(sentence.encode("utf-8")).hexdigest()


def write_gz(path, lines):
    # mtime=0 and no file name in the header (gzip -n) so the bytes depend on content only.
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9,
                           mtime=0) as gz:
            gz.write("".join(line + "\n" for line in lines).encode("utf-8"))


def main(argv):
    if len(argv) != 6:
        sys.exit(__doc__)
    source_dir, target_dir, out_dir, source_lang, target_lang = argv[1:]
    stats = collections.Counter()

    source_pages = page_paths(source_dir)
    target_pages = set(page_paths(target_dir))
    all_pairs = []  # corpus order: sorted page path, then page order
    for page in source_pages:
        if page not in target_pages:
            stats["pages only in source"] += 1
            continue
        stats["pages paired"] += 1
        all_pairs.extend(pair_page(read_page(os.path.join(source_dir, page)),
                                   read_page(os.path.join(target_dir, page))))
    stats["units paired"] = len(all_pairs)

    # One translation per source sentence: the most frequent one, ties broken by text, so
    # a source never appears in two splits and the choice does not depend on file order.
    targets_of = collections.defaultdict(collections.Counter)
    first_position = {}
    for position, (source, target) in enumerate(all_pairs):
        if not source or not target:
            stats["dropped: empty side"] += 1
            continue
        if source == target:
            stats["dropped: identical sides"] += 1
            continue
        if "\n" in source or "\n" in target:
            raise AssertionError("normalise() must have removed line breaks")
        targets_of[source][target] += 1
        first_position.setdefault(source, position)
    stats["dropped: duplicate source"] = (len(all_pairs) - stats["dropped: empty side"]
                                          - stats["dropped: identical sides"]
                                          - len(targets_of))
    chosen = {source: min(counts.items(), key=lambda item: (-item[1], item[0]))[0]
              for source, counts in targets_of.items()}

    # Dev and test are the sources with the smallest SHA-256: a fixed pseudo-random sample
    # that does not move when pages are added elsewhere in the help.
    by_hash = sorted(chosen, key=source_key)
    held_out = {"dev": set(by_hash[:DEV_SIZE]),
                "test": set(by_hash[DEV_SIZE:DEV_SIZE + TEST_SIZE])}
    held_out_targets = {chosen[s] for split in held_out.values() for s in split}
    in_corpus_order = sorted(chosen, key=first_position.__getitem__)
    splits = {"train": [], "dev": [], "test": []}
    for source in in_corpus_order:
        target = chosen[source]
        if source in held_out["dev"]:
            splits["dev"].append((source, target))
        elif source in held_out["test"]:
            splits["test"].append((source, target))
        elif target in held_out_targets:
            # The same translation of a different source would leak the reference.
            stats["dropped: train target in dev/test"] += 1
        else:
            splits["train"].append((source, target))

    os.makedirs(out_dir, exist_ok=True)
    for name, pairs in splits.items():
        write_gz(os.path.join(out_dir, f"{name}.{source_lang}.gz"), [s for s, _ in pairs])
        write_gz(os.path.join(out_dir, f"{name}.{target_lang}.gz"), [t for _, t in pairs])
        stats[f"pairs in {name}"] = len(pairs)
    for key in sorted(stats):
        print(f"  {key}: {stats[key]}")


if __name__ == "__main__":
    main(sys.argv)
