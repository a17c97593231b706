#!/usr/bin/python3
"""Builds a labelled corpus for sentence classification from the unpacked English
LibreOffice help: each paragraph labelled with the application its help page belongs to.

Called by build-libreoffice-help.sh --apps, which downloads and unpacks the Debian package;
like libreoffice_help.py (whose page parser it shares), it uses Python's standard library
alone, so the result depends on nothing but the package contents.

The label is the folder of the page under text/ (swriter -> writer, scalc -> calc, ...);
text/shared, the help common to every application, is left out. A paragraph found under
two or more applications ("Syntax", "Example", a shared sentence) is dropped, since its
label is not defined; one found several times under one application is kept once.

Usage: libreoffice_help_apps.py TEXT_DIR OUT_DIR
writes OUT_DIR/{train,dev,test}.{en,label}.gz and prints statistics.
"""

import collections
import os
import sys

import libreoffice_help as help_pages

# The folders under text/ and the application each documents.
APPLICATIONS = {
    "sbasic": "basic",
    "scalc": "calc",
    "schart": "chart",
    "sdatabase": "base",
    "sdraw": "draw",
    "simpress": "impress",
    "smath": "math",
    "swriter": "writer",
}
DEV_SIZE = 1000
TEST_SIZE = 1000


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    text_dir, out_dir = argv[1:]
    stats = collections.Counter()
    folders = sorted(name for name in os.listdir(text_dir)
                     if os.path.isdir(os.path.join(text_dir, name)))
    unknown = [name for name in folders if name not in APPLICATIONS and name != "shared"]
    if unknown:
        sys.exit(f"libreoffice_help_apps.py: folders with no application label under "
                 f"{text_dir}: {', '.join(unknown)} (add them to APPLICATIONS)")

    labels_of = collections.defaultdict(set)
    first_position = {}
    for folder in folders:
        if folder == "shared":
            continue
        for page in help_pages.page_paths(os.path.join(text_dir, folder)):
            stats[f"pages: {APPLICATIONS[folder]}"] += 1
            for _, text in help_pages.read_page(os.path.join(text_dir, folder, page)):
                stats["paragraphs read"] += 1
                if not text:
                    stats["dropped: empty"] += 1
                    continue
                labels_of[text].add(APPLICATIONS[folder])
                first_position.setdefault(text, len(first_position))
    labelled = {}
    for text, labels in labels_of.items():
        if len(labels) > 1:
            stats["dropped: under several applications"] += 1
        else:
            labelled[text] = next(iter(labels))
    stats["dropped: repeated under one application"] = (
        stats["paragraphs read"] - stats["dropped: empty"] - len(labels_of))

    # Dev and test are the paragraphs with the smallest SHA-256, as in libreoffice_help.py:
    # a fixed pseudo-random sample that does not move when pages are added elsewhere.
    by_hash = sorted(labelled, key=help_pages.source_key)
    dev, test = set(by_hash[:DEV_SIZE]), set(by_hash[DEV_SIZE:DEV_SIZE + TEST_SIZE])
    splits = {"train": [], "dev": [], "test": []}
    for text in sorted(labelled, key=first_position.__getitem__):
        split = "dev" if text in dev else "test" if text in test else "train"
        splits[split].append((text, labelled[text]))

    os.makedirs(out_dir, exist_ok=True)
    for name, rows in splits.items():
        help_pages.write_gz(os.path.join(out_dir, f"{name}.en.gz"), [t for t, _ in rows])
        help_pages.write_gz(os.path.join(out_dir, f"{name}.label.gz"), [label for _, label in rows])
        stats[f"paragraphs in {name}"] = len(rows)
        for label, count in collections.Counter(label for _, label in rows).items():
            stats[f"{name}: {label}"] = count
    for key in sorted(stats):
        print(f"  {key}: {stats[key]}")


if __name__ == "__main__":
    main(sys.argv)
