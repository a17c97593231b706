# Writes the tiny labelled corpus of the classifier specs (run once; the files are committed):
# short English sentences whose label is the kind of thing they are about, so that a model
# must find the one word that decides it among words that do not.
import random

random.seed(20)
NOUNS = {
    "animal": ["cat", "dog", "horse", "bird"],
    "vehicle": ["car", "bus", "train", "bike"],
    "fruit": ["apple", "pear", "plum", "grape"],
}
ADJECTIVES = ["old", "small", "red", "quiet", "big", "green"]
VERBS = ["is near", "stays by", "waits at", "was seen at"]
PLACES = ["the house", "the river", "the market", "the school", "the park"]


def sentences(count, taken):
    out = []
    while len(out) < count:
        label = random.choice(sorted(NOUNS))
        text = f"the {random.choice(ADJECTIVES)} {random.choice(NOUNS[label])} {random.choice(VERBS)} {random.choice(PLACES)}"
        if random.random() < 0.3:
            text = f"{random.choice(PLACES)} is where the {random.choice(NOUNS[label])} is"
        if text in taken:
            continue
        taken.add(text)
        out.append((text, label))
    return out


taken = set()
for split, count in (("train", 48), ("dev", 12)):
    pairs = sentences(count, taken)
    with open(f"{split}.txt", "w") as text, open(f"{split}.label", "w") as labels:
        for sentence, label in pairs:
            text.write(sentence + "\n")
            labels.write(label + "\n")
