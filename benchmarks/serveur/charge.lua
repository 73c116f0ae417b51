-- wrk script of benchmarks/banc.py: many signed-in sessions, each agent looking up a random dossier
-- of his scope (POST /portail/consulter/) then reading rubriques of his profile, or (MODE=minimal)
-- the baseline's one URL with the same sessions, or (MODE=officier) the Responsable Sécurité's
-- searches of the journal: one session (COOKIE), the query strings of the file RECHERCHES.
-- The sessions file has one line per session: cookie<TAB>csrf<TAB>numero:cp,numero:cp…<TAB>rubrique,rubrique…

local fils = {}
local numero_fil = 0

local function decouper(texte, sep)
  local morceaux = {}
  for m in string.gmatch(texte, "([^" .. sep .. "]+)") do table.insert(morceaux, m) end
  return morceaux
end

function setup(thread)
  thread:set("numero_fil", numero_fil)
  numero_fil = numero_fil + 1
  table.insert(fils, thread)
end

function init(args)
  local nombre_fils = tonumber(os.getenv("FILS") or "1")
  mode = os.getenv("MODE") or "portail"
  math.randomseed(os.time() + numero_fil * 7919)
  if mode == "officier" then
    cookie = os.getenv("COOKIE")
    recherches = {}
    for ligne in io.lines(os.getenv("RECHERCHES")) do table.insert(recherches, ligne) end
    return
  end
  lectures = tonumber(os.getenv("LECTURES") or "4")
  sessions = {}
  local i = 0
  for ligne in io.lines(os.getenv("SESSIONS")) do
    if i % nombre_fils == numero_fil then
      local champs = decouper(ligne, "\t")
      table.insert(sessions, {
        cookie = champs[1], csrf = champs[2],
        dossiers = decouper(champs[3], ","), rubriques = decouper(champs[4], ","),
        reste = math.random(0, lectures),
      })
    end
    i = i + 1
  end
end

function request()
  if mode == "officier" then
    return wrk.format("GET", "/gestion/controle/journal/?" .. recherches[math.random(#recherches)], { Cookie = cookie })
  end
  local s = sessions[math.random(#sessions)]
  if mode == "minimal" then
    return wrk.format("GET", "/banc/minimal/", { Cookie = s.cookie })
  end
  if s.reste <= 0 then
    s.reste = lectures
    local d = decouper(s.dossiers[math.random(#s.dossiers)], ":")
    local corps = "csrfmiddlewaretoken=" .. s.csrf .. "&numero_allocataire=" .. d[1] .. "&code_postal=" .. d[2]
    return wrk.format("POST", "/portail/consulter/", {
      Cookie = s.cookie, ["Content-Type"] = "application/x-www-form-urlencoded",
    }, corps)
  end
  s.reste = s.reste - 1
  return wrk.format("GET", "/portail/dossier/" .. s.rubriques[math.random(#s.rubriques)] .. "/", { Cookie = s.cookie })
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requetes": %d, "duree_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
    .. '"erreurs_http": %d, "erreurs_reseau": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.status, e.connect + e.read + e.write + e.timeout))
end
