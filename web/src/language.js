// The .journey language for CodeMirror, from the words the server's table of facts lists.
import { StreamLanguage } from "@codemirror/language";

export function journeyLanguage(words) {
  const kinds = {};
  const mark = (list, kind) => (list || []).forEach((w) => { kinds[w] = kinds[w] || kind; });
  mark(words.keywords, "keyword");
  mark(words.terminals, "atom");
  mark(words.attributes, "propertyName");
  mark(words.choices, "atom");
  mark(words.distributions, "variableName.function");
  mark(words.units, "unit");
  return StreamLanguage.define({
    name: "journey",
    token(stream) {
      if (stream.eatSpace()) return null;
      if (stream.match("#")) { stream.skipToEnd(); return "comment"; }
      if (stream.match(/^"(?:\\.|[^"\\])*"?/)) return "string";
      if (stream.match(/^[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?[kM%x]?/)) return "number";
      if (stream.match(/^(->|\+=|-=|\*=|\+-|±|=)/)) return "operator";
      const word = stream.match(/^[A-Za-z_][A-Za-z0-9_]*/);
      if (word) {
        return kinds[word[0]] || "variableName";
      }
      stream.next();
      return "punctuation";
    },
    languageData: { commentTokens: { line: "#" } },
  });
}
