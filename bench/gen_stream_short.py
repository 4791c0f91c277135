#!/usr/bin/python3
"""tests/integration/gen_stream.py with short articles, for the end-to-end benchmark.

    gen_stream_short.py [gen_stream.py arguments] OUTDIR

The same keyed stream, the same versions, repeats, layout variants, stale
sends and bad messages, and the same expected.json, but each article keeps one
body paragraph of about 40 words and short update lines: messages average
about 730 bytes, the size of a wire brief, where gen_stream.py's average about
3.7 KB. Only the text of the bodies changes; every random draw that shapes the
stream is made as in gen_stream.py. Standard library only.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "integration"))
import gen_stream  # noqa: E402


def clip(text, words):
    """The first `words` words of text as a sentence."""
    w = text.split()
    return " ".join(w[:words]).rstrip(".,") + "." if len(w) > words else text


_init = gen_stream.Article.__init__


def short_init(self, key, rng, nversions):
    # Every draw of the original happens (the article's own generator), so
    # times and styles, which the expected output depends on, are unchanged.
    _init(self, key, rng, nversions)
    self.paragraphs = [clip(self.paragraphs[0], 40)]
    self.standfirst = clip(self.standfirst, 14)
    self.updates = [clip(u, 10) for u in self.updates]


gen_stream.Article.__init__ = short_init

if __name__ == "__main__":
    sys.exit(gen_stream.main(sys.argv[1:]))
