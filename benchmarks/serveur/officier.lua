-- wrk script of benchmarks/banc.py: the Responsable Sécurité's searches of the journal, one
-- signed-in session (COOKIE), the query strings of the file RECHERCHES drawn at random.
function init(args)
  cookie = os.getenv("COOKIE")
  recherches = {}
  for ligne in io.lines(os.getenv("RECHERCHES")) do table.insert(recherches, ligne) end
  math.randomseed(os.time())
end

function request()
  return wrk.format("GET", "/gestion/controle/journal/?" .. recherches[math.random(#recherches)], { Cookie = cookie })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requetes": %d, "duree_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"erreurs_http": %d, "erreurs_reseau": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
