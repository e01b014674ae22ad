-- wrk request mix for the Kennisbank: search (60%), facets (10%), document (15%), suggest (15%).
-- Usage: wrk -t2 -c20 -d60s --latency -s bench/load/mix.lua http://127.0.0.1:PORT
-- Prints one JSON line (prefix RESULT_JSON=) with throughput, latency percentiles and errors.
local queries = {
  "ouderbetrokkenheid", "taal voor peuters", "huiswerkbegeleiding vmbo", "gelijke kansen Rotterdam",
  "zomerschool", "brede brugklas", "schooladvies overgang", "vve gemeente", "laaggeletterdheid ouders",
  "\"gelijke kansen\" -amsterdam", "sport OF cultuur", "mbo studenten uitval", "rekenen groep 8",
}
local modes = { "hybrid", "keyword", "semantic" }
local docs = { "praktijkverhalen", "onderzoek", "agendas", "interventies", "beleid" }
local prefixes = { "ro", "ams", "taal", "hui", "ouder", "zo", "gr", "vve" }
local counter = 0
local threads = {}

local function enc(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  non2xx = 0
  doc_ids = {}
end

request = function()
  counter = counter + 1
  local r = counter % 20
  local path
  if r < 12 then
    local q = queries[(counter % #queries) + 1]
    local mode = modes[(counter % #modes) + 1]
    path = "/api/search?q=" .. enc(q) .. "&mode=" .. mode .. ((counter % 4 == 0) and "&collapse=1" or "")
  elseif r < 14 then
    path = "/api/facets"
  elseif r < 17 then
    -- documents named by earlier search responses; the folder page otherwise
    if #doc_ids > 0 then
      path = "/api/documents/" .. doc_ids[(counter % #doc_ids) + 1]
    else
      path = "/api/search?q=" .. enc(docs[(counter % #docs) + 1]) .. "&k=5"
    end
  else
    path = "/api/suggest?q=" .. enc(prefixes[(counter % #prefixes) + 1])
  end
  return wrk.format("GET", path)
end

response = function(status, headers, body)
  if status >= 400 then
    non2xx = non2xx + 1
  elseif #doc_ids < 40 and body then
    for id in body:gmatch('"doc_id":%s*"([^"]+)"') do
      if #doc_ids < 40 then table.insert(doc_ids, id) end
    end
  end
end

done = function(summary, latency, requests)
  local bad = 0
  for _, t in ipairs(threads) do
    bad = bad + (t:get("non2xx") or 0)
  end
  local e = summary.errors
  io.write(string.format(
    'RESULT_JSON={"requests": %d, "duration_s": %.2f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, ' ..
    '"p99_ms": %.2f, "max_ms": %.2f, "non_2xx": %d, "socket_errors": {"connect": %d, "read": %d, ' ..
    '"write": %d, "timeout": %d}, "status_errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, bad, e.connect, e.read, e.write, e.timeout, e.status))
end
