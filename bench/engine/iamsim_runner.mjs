// Drive @cloud-copilot/iam-simulate over one batch (the peer we measure against; AGPL, never a dependency).
// usage: node iamsim_runner.mjs <node_modules dir> <batch.json> <runs>
// Prints one JSON object: decisions (runUnsafeSimulation), and the best seconds of each timed mode:
//   unsafe: runUnsafeSimulation(simulation) per request (it loads the policies on every call);
//   core:   authorize() with policies loaded once (only the request object is built per request).
import { readFileSync } from 'node:fs'
import { levels, named, peer } from './iamsim_common.mjs'

const [, , modules, batchFile, runsArg] = process.argv
const runs = Number(runsArg || '3')
const { sim, loadAll, authorize } = await peer(modules)

const batch = JSON.parse(readFileSync(batchFile, 'utf8'))
const p = batch.policies
const base = {
  identityPolicies: named(p.identity),
  serviceControlPolicies: levels(p.scp),
  resourceControlPolicies: levels(p.rcp),
  resourcePolicy: p.resource || undefined,
  permissionBoundaryPolicies: p.boundary ? named(p.boundary) : undefined
}
const simulations = batch.requests.map((r) => ({
  ...base,
  request: {
    principal: r.principal,
    action: r.action,
    resource: { resource: r.resource, accountId: r.resource_account },
    contextVariables: r.context || {}
  }
}))

// policies loaded once, for the core mode
const loaded = loadAll(base)
const coreOne = (s) => authorize(s, loaded)

function time(fn) {
  let best = Infinity
  for (let r = 0; r < runs; r++) {
    const t0 = process.hrtime.bigint()
    for (const s of simulations) fn(s)
    const dt = Number(process.hrtime.bigint() - t0) / 1e9
    if (dt < best) best = dt
  }
  return best
}

const decisions = simulations.map((s) => sim.runUnsafeSimulation(s, {}))
const coreDecisions = simulations.map(coreOne)
const coreAgrees = coreDecisions.every((d, i) => d === decisions[i])
const unsafe = time((s) => sim.runUnsafeSimulation(s, {}))
const coreSeconds = time(coreOne)
process.stdout.write(JSON.stringify({ decisions, coreAgrees, unsafe, core: coreSeconds, version: sim.default?.version }))
