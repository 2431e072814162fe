# Independent subject decoder for the corpus robustness test: CPython's email.header.
# stdin: one base64 raw Subject value per line; stdout: one JSON object per line, {"ok": text} or {"error": name}.
import base64, json, re, sys
from email.header import decode_header, make_header

for line in sys.stdin:
    raw = base64.b64decode(line.strip())
    s = raw.decode('utf-8', 'surrogateescape')
    s = re.sub(r'(?:\r\n|\r|\n)(?=[ \t])', '', s)
    s = re.sub(r'[\r\n]', '', s).strip()
    try:
        out = {'ok': str(make_header(decode_header(s)))}
    except Exception as e:  # the oracle's failures are one of the documented difference classes
        out = {'error': type(e).__name__}
    sys.stdout.write(json.dumps(out) + '\n')
