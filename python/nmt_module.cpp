// The Python module `nmt`: nmt/nmt.h for Python (README, "Use it from Python").
//
//   import nmt
//   translator = nmt.Translator("runs/en-fr/model.nmt", threads=2)
//   translator.translate(["Open the file."], beam_size=5)      # ['Ouvrez le fichier.']
//   results = translator.translate_batch(["Open the file."], n_best=2, alignment=True)
//   results[0].hypotheses[0].score, results[0].hypotheses[0].attention  # a float; lists of floats
//   nmt.bleu(hypotheses, [references]), nmt.chrf(hypotheses, [references])
//
// Translating releases the GIL: other Python threads run meanwhile. Errors raise nmt.Error
// (a RuntimeError) with the library's message; a wrong type raises TypeError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <optional>
#include <string>
#include <vector>

#include "nmt/nmt.h"

namespace py = pybind11;

namespace {

std::vector<nmt::Translation> translate(const nmt::Translator& translator, const std::vector<std::string>& lines,
                                        int beam_size, int n_best, double length_penalty, double max_length_ratio,
                                        bool alignment, std::int64_t batch_tokens, std::int64_t batch_size) {
  nmt::TranslationOptions options;
  options.beam_size = beam_size;
  options.n_best = n_best;
  options.length_penalty = length_penalty;
  options.max_length_ratio = max_length_ratio;
  options.alignment = alignment;
  options.batch_tokens = batch_tokens;
  options.batch_size = batch_size;
  const py::gil_scoped_release release;
  return translator.translate(lines, options);
}

// The keyword arguments of translate() and translate_batch(), with nmt-translate's defaults.
template <class Method>
void def_translate(py::class_<nmt::Translator>& c, const char* name, Method method, const char* doc) {
  const nmt::TranslationOptions d;
  c.def(name, method, py::arg("lines"), py::kw_only(), py::arg("beam_size") = d.beam_size, py::arg("n_best") = d.n_best,
        py::arg("length_penalty") = d.length_penalty, py::arg("max_length_ratio") = d.max_length_ratio,
        py::arg("alignment") = d.alignment, py::arg("batch_tokens") = d.batch_tokens,
        py::arg("batch_size") = d.batch_size, doc);
}

}  // namespace

PYBIND11_MODULE(nmt, m) {
  m.doc() = "nmt: translate with a trained nmt model file; BLEU and chrF as sacreBLEU computes them.";
  m.attr("__version__") = nmt::version();
  py::register_exception<nmt::Error>(m, "Error", PyExc_RuntimeError);

  py::class_<nmt::TranslatedHypothesis>(m, "Hypothesis", "One translation of a line, with its score.")
      .def_readonly("text", &nmt::TranslatedHypothesis::text)
      .def_readonly("pieces", &nmt::TranslatedHypothesis::pieces, "target subwords (EOS not included)")
      .def_readonly("score", &nmt::TranslatedHypothesis::score, "log P / length^length_penalty")
      .def_readonly("log_probability", &nmt::TranslatedHypothesis::log_probability)
      .def_readonly("complete", &nmt::TranslatedHypothesis::complete, "ended with EOS (not cut at the length limit)")
      .def_readonly("attention", &nmt::TranslatedHypothesis::attention,
                    "with alignment=True: [target piece (+ EOS)][source piece + EOS], rows summing to 1")
      .def("__repr__", [](const nmt::TranslatedHypothesis& h) {
        return "<nmt.Hypothesis " + py::repr(py::str(h.text)).cast<std::string>() + " score " +
               py::repr(py::float_(h.score)).cast<std::string>() + ">";
      });

  py::class_<nmt::Translation>(m, "Translation", "The hypotheses of one input line, best first.")
      .def_readonly("source_pieces", &nmt::Translation::source_pieces, "what the model read (EOS not included)")
      .def_readonly("hypotheses", &nmt::Translation::n_best, "best first; empty for an empty line")
      .def_readonly("truncated", &nmt::Translation::truncated, "the line was longer than the model reads and was cut")
      .def_property_readonly("text", &nmt::Translation::best, "the best hypothesis' text")
      .def("__repr__", [](const nmt::Translation& t) {
        return "<nmt.Translation " + py::repr(py::str(t.best())).cast<std::string>() + ", " +
               std::to_string(t.n_best.size()) + " hypotheses>";
      });

  py::class_<nmt::Translator> translator(m, "Translator", "A model file loaded for translation.");
  translator.def(py::init([](const std::string& model, int threads, const std::string& precision) {
                   std::optional<nmt::Translator> loaded;
                   {
                     const py::gil_scoped_release release;
                     loaded.emplace(model, nmt::TranslatorOptions{threads, precision});
                   }
                   // "auto" on a CPU without bf16: a RuntimeWarning, as the programs print a line.
                   if (!loaded->precision_warning().empty() &&
                       PyErr_WarnEx(PyExc_RuntimeWarning, loaded->precision_warning().c_str(), 1) < 0)
                     throw py::error_already_set();  // warnings made errors (python -W error)
                   return std::move(*loaded);
                 }),
                 py::arg("model"), py::kw_only(), py::arg("threads") = nmt::TranslatorOptions{}.threads,
                 py::arg("precision") = nmt::TranslatorOptions{}.precision,
                 "Loads a model file written by nmt-train; precision 'f32', 'bf16' or 'int8' (of the linear layers; "
                 "bf16 and int8 need a CPU that has their instructions), or 'auto' (bf16 where the CPU has it, else "
                 "f32 with a RuntimeWarning).");
  def_translate(
      translator, "translate",
      [](const nmt::Translator& t, const std::vector<std::string>& lines, int beam_size, int n_best,
         double length_penalty, double max_length_ratio, bool alignment, std::int64_t batch_tokens,
         std::int64_t batch_size) {
        std::vector<std::string> best;
        for (const nmt::Translation& r : translate(t, lines, beam_size, n_best, length_penalty, max_length_ratio,
                                                   alignment, batch_tokens, batch_size))
          best.push_back(r.best());
        return best;
      },
      "The best translation of each line, as a list of strings.");
  def_translate(translator, "translate_batch", &translate,
                "A Translation (hypotheses with scores, and attention with alignment=True) per line.");
  translator.def_property_readonly("model_path", &nmt::Translator::model_path)
      .def_property_readonly("precision", &nmt::Translator::precision,
                             "what the products run in: 'f32', 'bf16' or 'int8' (the choice of 'auto')")
      .def_property_readonly("model_description", &nmt::Translator::model_description)
      .def_property_readonly("max_source_pieces", &nmt::Translator::max_source_pieces,
                             "source subwords read per line; longer lines are cut");

  m.def("bleu", &nmt::bleu, py::arg("hypotheses"), py::arg("references"), py::kw_only(), py::arg("tokenize") = "13a",
        py::arg("lowercase") = false,
        "Corpus BLEU as sacreBLEU computes it; references: one list per reference stream.");
  m.def("chrf", &nmt::chrf, py::arg("hypotheses"), py::arg("references"), py::kw_only(), py::arg("word_order") = 0,
        "Corpus chrF2 as sacreBLEU computes it (word_order=2: chrF2++).");
}
