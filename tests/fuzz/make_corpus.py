#!/usr/bin/env python3
"""Writes the fuzzers' seed corpora under tests/fuzz/corpus/.

The seeds are small on purpose (libFuzzer mutates small inputs fastest and
the committed corpus stays well under 100 KB): one example of each input
shape the parser distinguishes (plain text with LF and with CRLF and
trailing blanks, JSON envelopes with text and with html, an HTML page) and
of each rejection (empty, binary, truncated JSON, no timestamp, a bad date).
scripts/fuzz adds the larger files of tests/data/ to its scratch copy at run
time. Re-run this script after changing it; the output is deterministic.
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

TEXT = (
    "Updated March 4th, 2024 at 09:15 IST\n"
    "\n"
    "Port workers end strike after overnight talks in Mumbai\n"
    "\n"
    "Dock unions agreed on Monday to return to work after the port trust offered a revised wage deal.\n"
    "\n"
    "Reported by: Asha Menon\n"
    "IMAGE: PTI | Image:self\n"
    "Advertisement\n"
    "\n"
    "Dock unions agreed on Monday to return to work after the port trust offered a revised wage "
    "deal, ending a stoppage that had left container ships waiting offshore for four days. "
    "\u201cWe have a settlement we can take to our members,\u201d a union spokesperson said.\n"
    "\n"
    "Shipping lines expect delays to ease\n"
    "\n"
    "Operators said it would take about a week to clear the backlog.\n"
    "\n"
    "(Image: PTI)\n"
    "\n"
    "Advertisement\n"
    "\n"
    "Published March 4th, 2024 at 08:40 IST"
)

SHORT_BODY = "A council vote approved the budget on Tuesday.\n\nThe plan takes effect in May.\n"

HTML = (
    "<!DOCTYPE html>\n<html><head><title>Rail link opens | Example News</title>\n"
    '<meta property="article:published_time" content="2024-06-15T17:55:00+05:30">\n'
    '<meta property="article:modified_time" content="2024-06-15T19:05:00+05:30">\n'
    '<meta name="author" content="Ravi Kumar">\n'
    "<script>var ad = {slot: 'top'};</script><style>p{margin:0}</style></head>\n"
    "<body><nav><a href=\"/\">Home</a></nav><article>\n"
    "<h1>Rail link opens between two river towns</h1>\n"
    "<p class=\"standfirst\">The line cuts the journey from two hours to forty minutes.</p>\n"
    "<div class=\"ad\">Advertisement</div>\n"
    "<p>The first train left at dawn &amp; arrived on time, officials said.</p>\n"
    "<h2>Fares</h2><p>Tickets cost &#8377;40 &mdash; less than the bus.</p>\n"
    "<figure><img src=\"a.jpg\"><figcaption>(Image: ANI)</figcaption></figure>\n"
    "<!-- comment --><aside>Related stories</aside>\n"
    "</article><footer>Published on Jun 15, 2024 05:55 PM IST</footer></body></html>\n"
)


def envelope(**fields):
    return json.dumps(fields, ensure_ascii=False)


PARSE = {
    "text-lf.txt": TEXT,
    "text-crlf.txt": "\r\n".join(line + "  " for line in TEXT.split("\n")),
    "text-published-first.txt": "Published 06:46 IST, September 25th 2024\n\nHeadline here\n\n"
    + SHORT_BODY,
    "text-last-updated.txt": "Last Updated: Dec 30, 2021, 15:02 IST\n\nBudget passes\n\n"
    + SHORT_BODY,
    "text-iso.txt": "Budget passes\n\n" + SHORT_BODY + "\nPublished 2024-02-29T23:59:59Z\n",
    "text-12h.txt": "Updated on Jun 15, 2024 05:55 PM EDT\n\nBudget passes\n\nBy Jane Roe\n\n"
    + SHORT_BODY,
    "envelope-text.json": envelope(
        url="https://news.example.com/a/1?utm_source=x#top",
        source="example-news",
        fetched_at="2024-03-04T04:00:00Z",
        text=TEXT,
        lang="en",
    ),
    "envelope-html.json": envelope(
        url="https://news.example.com/a/2", source="example-news", html=HTML
    ),
    # A url that is only a fragment: the id falls back to the story's hash.
    "envelope-fragment-url.json": envelope(url="#top", source="example-news", text=TEXT),
    "page.html": HTML,
    "bad-truncated.json": '{"url": "https://x.example/a", "text": "Updated Dec',
    "bad-envelope-type.json": '{"url": 7, "text": ["x"]}',
    "bad-no-timestamp.txt": "A headline\n\n" + SHORT_BODY,
    "bad-timestamp.txt": "Updated February 30th, 2024 at 10:00 IST\n\nA headline\n\n" + SHORT_BODY,
    "bad-hour.txt": "Updated Decmber 3rd, 2024 at 25:02 IST\n\nA headline\n\n" + SHORT_BODY,
    "bad-empty.txt": "",
    "bad-whitespace.txt": "  \r\n\t\n",
    "bad-boilerplate.txt": "Advertisement\n\nIMAGE: AP | Image:self\n\nReported by: Nobody\n",
}

TIMESTAMPS = [
    "Updated December 30th, 2021 at 15:02 IST",
    "Updated on Jun 15, 2024 05:55 PM IST",
    "Published 06:46 IST, September 25th 2024",
    "Last Updated: Dec 30, 2021, 15:02 IST",
    "Published 2024-03-10T06:30:00Z",
    "Updated 2024-11-03T01:30:00-04:00",
    "First published: Sunday 10 March 2024 02:30 ET",
    "Posted Mar 31, 2024 1:05 AM BST",
    "Modified 5 January 2023 23:59 CET",
    "Updated July 4, 2024 12:00 AM PT",
    "Published on 29 Feb 2024 18:00 AEST",
    "Updated: 1 Nov 2022, 08:00 JST",
    "Published 2023-06-01 10:00 +05:45",
    "Updated Oct 29, 2023 at 2:30 AM CEST",
    "Published Tue, 02 Jan 2024 09:30:15 GMT",
    "Updated February 30th, 2024 at 10:00 IST",
    "Updated Decmber 3, 2021 at 25:02 UTC",
    "Updated guidance was issued on Monday",
]


def write(directory, name, data):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def main():
    root = os.path.join(HERE, "corpus")
    for name, data in PARSE.items():
        write(os.path.join(root, "parse"), name, data)
    # A short binary blob: NUL bytes and invalid UTF-8.
    write(os.path.join(root, "parse"), "bad-binary.bin", bytes((i * 37 + 11) % 256 for i in range(96)))
    for i, line in enumerate(TIMESTAMPS):
        write(os.path.join(root, "timestamp"), "%02d.txt" % i, line)
    write(os.path.join(root, "html"), "page.html", HTML)
    write(os.path.join(root, "html"), "broken.html",
          "<html><body><p>Unclosed <b>tag &amp text<script>if (a < b) {</script"
          "<p class=x>Second &#x1F600; &bogus; &#99999999;<br/>line</p")
    write(os.path.join(root, "html"), "meta-only.html",
          '<meta property="article:published_time" content="2021-12-30T15:02:00+05:30">'
          '<meta name="author" content="A. Writer"><h1>Title</h1><p>Body.</p>')
    return 0


if __name__ == "__main__":
    sys.exit(main())
