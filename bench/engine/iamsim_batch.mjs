// iam-simulate over a byoc-iam batch file (the peer we measure against; AGPL, never a dependency).
// usage: node iamsim_batch.mjs <node_modules dir> <batch.json> [runs]
// The batch is byoc-iam's format: an array of {policies, request} or one {policies, requests}.
// Without runs (whole-process mode): one {"decision": ...} line per request on stdout, like
// `byoc-iam simulate --batch`. With runs: one JSON object {decisions, unsafe} where unsafe is the best
// seconds of calling runUnsafeSimulation for every case (in-process mode).
import { readFileSync, writeSync } from 'node:fs'
import { levels, named, peer } from './iamsim_common.mjs'

const [, , modules, batchFile, runsArg] = process.argv
const { loadAll, authorize } = await peer(modules)
const data = JSON.parse(readFileSync(batchFile, 'utf8'))
const items = Array.isArray(data) ? data : data.requests.map((request) => ({ policies: data.policies, request }))

function simulation(item) {
  const p = item.policies
  const r = item.request
  return {
    identityPolicies: named(p.identity),
    serviceControlPolicies: levels(p.scp),
    resourceControlPolicies: levels(p.rcp),
    resourcePolicy: p.resource || undefined,
    permissionBoundaryPolicies: p.boundary ? named(p.boundary) : undefined,
    sessionPolicy: p.session || undefined,
    request: {
      principal: r.principal,
      action: r.action,
      resource: { resource: r.resource, accountId: r.resource_account },
      contextVariables: r.context || {}
    }
  }
}
// runUnsafeSimulation(simulation) of 0.1.173, step for step (every policy loaded on every call), except that
// it passes the session policy and names the resource policy (iamsim_common.mjs loadAll)
const unsafe = (s) => authorize(s, loadAll(s))
const decide = (item) => unsafe(simulation(item))

if (runsArg === undefined) {
  let out = ''
  for (const item of items) {
    out += JSON.stringify({ decision: decide(item) }) + '\n'
    if (out.length > 65536) { writeSync(1, out); out = '' }
  }
  writeSync(1, out)
} else {
  const decisions = items.map(decide)
  let best = Infinity
  for (let r = 0; r < Number(runsArg); r++) {
    const t0 = process.hrtime.bigint()
    for (const item of items) decide(item)
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9)
  }
  process.stdout.write(JSON.stringify({ decisions, unsafe: best }))
}
