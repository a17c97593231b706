"""The Python module nmt (python/nmt_module.cpp), specified against nmt's own programs.

Run by ctest with PYTHONPATH naming the built module and NMT_SOURCE_DIR / NMT_BINARY_DIR set;
only the standard library's unittest. The model is the tiny recipe trained until it nearly
memorises its 40 pairs (a few seconds), so that translations are real sentences.
"""
import json
import os
import subprocess
import tempfile
import threading
import time
import unittest
import warnings

import nmt

SOURCE_DIR = os.environ["NMT_SOURCE_DIR"]
BIN_DIR = os.path.join(os.environ["NMT_BINARY_DIR"], "bin")


def tiny_settings():
    """The nmt-train --set values of tests/data/tiny/near-memorised.settings."""
    with open(os.path.join(SOURCE_DIR, "tests/data/tiny/near-memorised.settings"), encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.startswith("#")]

def read_lines(path):
    with open(path, encoding="utf-8", newline="\n") as f:
        text = f.read()
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


def run(arguments, stdin=""):
    done = subprocess.run(arguments, input=stdin.encode(), capture_output=True, cwd=SOURCE_DIR, check=False)
    if done.returncode != 0:
        raise AssertionError(f"{arguments[0]} failed: {done.stderr.decode()}")
    return done.stdout.decode()


class TranslatorSpec(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory(prefix="nmt-python-")
        run_dir = os.path.join(cls.dir.name, "run")
        arguments = [os.path.join(BIN_DIR, "nmt-train"), "recipes/tiny.yaml", "--set", "output.directory=" + run_dir]
        for setting in tiny_settings():
            arguments += ["--set", setting]
        run(arguments)
        cls.model = os.path.join(run_dir, "model.nmt")
        cls.translator = nmt.Translator(cls.model, threads=1)
        # Training sentences (close to memorised), an empty line, an unseen sentence.
        cls.lines = read_lines(os.path.join(SOURCE_DIR, "tests/data/tiny/train.en"))[:8] + ["", "Open the file."]

    @classmethod
    def tearDownClass(cls):
        del cls.translator
        cls.dir.cleanup()

    def nmt_translate(self, *options):
        return run([os.path.join(BIN_DIR, "nmt-translate"), "-m", self.model, "--threads", "1", "-q", *options],
                   "\n".join(self.lines) + "\n")

    def test_translations_equal_nmt_translates_greedy_and_beam(self):
        for beam in (1, 5):
            with self.subTest(beam=beam):
                expected = read_lines_from_text(self.nmt_translate("--beam-size", str(beam)))
                got = self.translator.translate(self.lines, beam_size=beam)
                self.assertEqual(got, expected)
        self.assertEqual(got[8], "")
        self.assertGreater(sum(1 for t in got if t), 8, "the tiny model should translate every non-empty line")

    def test_n_best_lists_and_scores_equal_nmt_translates(self):
        results = self.translator.translate_batch(self.lines, beam_size=5, n_best=3)
        expected = [line.split(" ||| ") for line in read_lines_from_text(self.nmt_translate("--n-best", "3"))]
        got = []
        for i, r in enumerate(results):
            for h in r.hypotheses:
                got.append([str(i), h.text, h.score])
            if not r.hypotheses:
                got.append([str(i), "", 0.0])
        self.assertEqual([g[:2] for g in got], [e[:2] for e in expected])
        for g, e in zip(got, expected):
            self.assertAlmostEqual(g[2], float(e[2]), delta=1e-5 * max(1.0, abs(g[2])))
        first = results[0]
        self.assertEqual(len(first.hypotheses), 3)
        self.assertEqual(first.text, first.hypotheses[0].text)
        self.assertGreaterEqual(first.hypotheses[0].score, first.hypotheses[1].score)
        self.assertTrue(all(isinstance(p, str) for p in first.source_pieces + first.hypotheses[0].pieces))
        self.assertEqual(results[8].hypotheses, [])
        self.assertEqual(results[8].text, "")

    def test_attention_equals_nmt_translates_soft_alignment(self):
        results = self.translator.translate_batch(self.lines, alignment=True)
        records = [json.loads(line) for line in read_lines_from_text(self.nmt_translate("--alignment", "soft"))]
        self.assertEqual(len(records), len(results))
        for r, record in zip(results, records):
            self.assertEqual(r.text, record["translation"])
            if not r.hypotheses:
                self.assertEqual(record["attention"], [])
                continue
            best = r.hypotheses[0]
            self.assertEqual(r.source_pieces + ["</s>"], record["source"])
            self.assertEqual(len(best.attention), len(record["attention"]))
            for row, expected_row in zip(best.attention, record["attention"]):
                self.assertEqual(len(row), len(r.source_pieces) + 1)
                self.assertAlmostEqual(sum(row), 1.0, places=5)
                for a, b in zip(row, expected_row):
                    self.assertAlmostEqual(a, b, places=6)
        self.assertEqual(self.translator.translate_batch(self.lines[:1])[0].hypotheses[0].attention, [])

    def test_translating_releases_the_gil(self):
        # While another thread translates, this one keeps running Python code. With the GIL held
        # for the whole call, the loop below could not advance until translate() returned.
        lines = self.lines * 40
        started, finished = threading.Event(), threading.Event()
        result = []

        def work():
            started.set()
            result.extend(self.translator.translate(lines, beam_size=5))
            finished.set()

        worker = threading.Thread(target=work)
        worker.start()
        started.wait()
        time.sleep(0.001)  # let the worker enter translate()
        iterations = 0
        while not finished.is_set():
            iterations += 1
        worker.join()
        self.assertEqual(len(result), len(lines))
        self.assertGreater(iterations, 1000)

    def test_concurrent_calls_give_the_same_translations(self):
        expected = self.translator.translate(self.lines, beam_size=3)
        results = [None] * 4

        def work(k):
            results[k] = self.translator.translate(self.lines, beam_size=3)

        threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [expected] * 4)

    def test_model_properties(self):
        self.assertEqual(self.translator.model_path, self.model)
        self.assertEqual(self.translator.model_description, "rnn, luong-general attention")
        self.assertEqual(self.translator.max_source_pieces, 40)
        long_line = " ".join(["word"] * 60)
        r = self.translator.translate_batch([long_line, "Open the file."], beam_size=1)
        self.assertTrue(r[0].truncated)
        self.assertEqual(len(r[0].source_pieces), 40)
        self.assertFalse(r[1].truncated)

    def test_auto_precision_runs_bf16_or_f32_and_warns_when_it_falls_back(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            chosen = nmt.Translator(self.model, threads=1, precision="auto")
        self.assertEqual(self.translator.precision, "f32")
        self.assertIn(chosen.precision, ("bf16", "f32"))
        fell_back = [w for w in caught if issubclass(w.category, RuntimeWarning) and "auto runs f32" in str(w.message)]
        # A warning exactly when auto fell back to f32 (the CPU has no bf16 instructions).
        self.assertEqual(len(fell_back), 1 if chosen.precision == "f32" else 0, [str(w.message) for w in caught])
        named = nmt.Translator(self.model, threads=1, precision=chosen.precision)
        self.assertEqual(chosen.translate(["Open the file."]), named.translate(["Open the file."]))

    def test_errors_name_what_is_wrong(self):
        with self.assertRaisesRegex(nmt.Error, "no-such-model.nmt: cannot open"):
            nmt.Translator(os.path.join(self.dir.name, "no-such-model.nmt"))
        with self.assertRaisesRegex(nmt.Error, "recipes/tiny.yaml: not an nmt model file"):
            nmt.Translator(os.path.join(SOURCE_DIR, "recipes/tiny.yaml"))
        with self.assertRaisesRegex(nmt.Error, "threads must be between 1 and 1024, not 0"):
            nmt.Translator(self.model, threads=0)
        with self.assertRaisesRegex(nmt.Error, "precision must be f32, bf16, int8 or auto, not 'fp16'"):
            nmt.Translator(self.model, precision="fp16")
        with self.assertRaisesRegex(nmt.Error, "beam_size must be between 1 and 256, not 0"):
            self.translator.translate(["a"], beam_size=0)
        with self.assertRaisesRegex(nmt.Error, "n_best"):
            self.translator.translate(["a"], beam_size=2, n_best=3)
        with self.assertRaisesRegex(nmt.Error, "batch_size must be between 1 and 10000000, not 0"):
            self.translator.translate(["a"], batch_size=0)
        self.assertTrue(issubclass(nmt.Error, RuntimeError))
        with self.assertRaises(TypeError):
            self.translator.translate("a string, not a list of lines")
        with self.assertRaises(TypeError):
            self.translator.translate(["a"], 5)  # options are keyword-only

    def test_invalid_utf8_is_replaced(self):
        # Lines may come as bytes (as read from a file in binary mode): invalid UTF-8 in them is
        # replaced by U+FFFD, as nmt-translate does.
        replaced = self.translator.translate_batch(["Open \ufffd the file."])[0]
        got = self.translator.translate_batch([b"Open \xff the file."])[0]
        self.assertEqual(got.source_pieces, replaced.source_pieces)
        self.assertEqual(got.text, replaced.text)
        with self.assertRaises(TypeError):  # a str cannot hold invalid UTF-8 (only lone surrogates)
            self.translator.translate([b"Open \xff".decode("utf-8", errors="surrogateescape")])


def read_lines_from_text(text):
    lines = text.split("\n")
    return lines[:-1] if text.endswith("\n") else lines


class ScoresSpec(unittest.TestCase):
    """nmt.bleu and nmt.chrf against sacreBLEU 2.6.0's figures (tests/data/bleu) and nmt-bleu."""

    def case(self, name):
        folder = os.path.join(SOURCE_DIR, "tests/data/bleu", name)
        with open(os.path.join(folder, "expected.json"), encoding="utf-8") as f:
            expected = {r["metric"]: r["score"] for r in json.load(f)["results"]}
        refs = sorted(p for p in os.listdir(folder) if p.startswith("ref"))
        return (folder, read_lines(os.path.join(folder, "hyp.txt")),
                [read_lines(os.path.join(folder, r)) for r in refs], refs, expected)

    def test_scores_equal_sacrebleu_and_nmt_bleu(self):
        for name in ("heavy", "light", "two-refs", "empty-lines"):
            folder, hyps, refs, ref_files, expected = self.case(name)
            with self.subTest(case=name):
                bleu, chrf = nmt.bleu(hyps, refs), nmt.chrf(hyps, refs)
                self.assertAlmostEqual(bleu, expected["bleu"], delta=1e-4)
                self.assertAlmostEqual(chrf, expected["chrf"], delta=1e-4)
                if "chrf++" in expected:
                    self.assertAlmostEqual(nmt.chrf(hyps, refs, word_order=2), expected["chrf++"], delta=1e-4)
                for label, options in (("tokenize=intl", {"tokenize": "intl"}), ("tokenize=none", {"tokenize": "none"}),
                                       ("tokenize=char", {"tokenize": "char"}), ("lowercase", {"lowercase": True})):
                    if "bleu " + label in expected:
                        self.assertAlmostEqual(nmt.bleu(hyps, refs, **options), expected["bleu " + label], delta=1e-4)
                printed = run([os.path.join(BIN_DIR, "nmt-bleu"), *[os.path.join(folder, r) for r in ref_files],
                               "-i", os.path.join(folder, "hyp.txt"), "-m", "bleu", "chrf", "-b", "-w", "6"])
                self.assertEqual(json.loads(printed), [round(bleu, 6), round(chrf, 6)])

    def test_bad_arguments(self):
        with self.assertRaisesRegex(nmt.Error, "tokenize must be 13a, intl, char or none, not 'moses'"):
            nmt.bleu(["a"], [["a"]], tokenize="moses")
        with self.assertRaisesRegex(nmt.Error, "bleu: no reference stream"):
            nmt.bleu(["a"], [])
        with self.assertRaisesRegex(nmt.Error, "bleu: .*"):
            nmt.bleu(["a", "b"], [["a"]])
        with self.assertRaisesRegex(nmt.Error, "chrf: word_order must be 0 or more, not -1"):
            nmt.chrf(["a"], [["a"]], word_order=-1)


if __name__ == "__main__":
    unittest.main()
