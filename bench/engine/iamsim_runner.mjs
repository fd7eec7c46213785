// Drive @cloud-copilot/iam-simulate over one batch (the peer we measure against; AGPL, never a dependency).
// usage: node iamsim_runner.mjs <node_modules dir> <batch.json> <runs>
// Prints one JSON object: decisions (runUnsafeSimulation), and the best seconds of each timed mode:
//   unsafe: runUnsafeSimulation(simulation) per request (it loads the policies on every call);
//   core:   authorize() with policies loaded once (only the request object is built per request).
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

const [, , modules, batchFile, runsArg] = process.argv
const runs = Number(runsArg || '3')
const sim = await import(pathToFileURL(join(modules, '@cloud-copilot/iam-simulate/dist/esm/index.js')).href)
const core = await import(pathToFileURL(join(modules, '@cloud-copilot/iam-simulate/dist/esm/core_engine/CoreSimulatorEngine.js')).href)
const reqMod = await import(pathToFileURL(join(modules, '@cloud-copilot/iam-simulate/dist/esm/request/request.js')).href)
const ctxMod = await import(pathToFileURL(join(modules, '@cloud-copilot/iam-simulate/dist/esm/requestContext.js')).href)
const dckMod = await import(pathToFileURL(join(modules, '@cloud-copilot/iam-simulate/dist/esm/context_keys/discoveryContextKeyConstraints.js')).href)
const policyMod = await import(pathToFileURL(join(modules, '@cloud-copilot/iam-policy/dist/esm/index.js')).href)

const batch = JSON.parse(readFileSync(batchFile, 'utf8'))
const p = batch.policies
const named = (docs) => (docs || []).map((policy, i) => ({ name: `p${i}`, policy }))
const levels = (lvls) => (lvls || []).map((docs, i) => ({ orgIdentifier: `ou-${i}`, policies: named(docs) }))
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
const loaded = {
  identityPolicies: base.identityPolicies.map((x) => policyMod.loadPolicy(x.policy, { name: x.name })),
  serviceControlPolicies: base.serviceControlPolicies.map((lv) => ({
    orgIdentifier: lv.orgIdentifier,
    policies: lv.policies.map((x) => policyMod.loadPolicy(x.policy, { name: x.name }))
  })),
  resourceControlPolicies: base.resourceControlPolicies.map((lv) => ({
    orgIdentifier: lv.orgIdentifier,
    policies: lv.policies.map((x) => policyMod.loadPolicy(x.policy, { name: x.name }))
  })),
  resourcePolicy: base.resourcePolicy ? policyMod.loadPolicy(base.resourcePolicy) : undefined,
  permissionBoundaries: base.permissionBoundaryPolicies
    ? base.permissionBoundaryPolicies.map((x) => policyMod.loadPolicy(x.policy, { name: x.name }))
    : undefined
}
const params = { simulationMode: 'Strict', discoveryContextKeyConstraints: new dckMod.DiscoveryContextKeyConstraints([]) }
function coreOne(s) {
  const request = new reqMod.AwsRequestImpl(
    s.request.principal,
    { resource: s.request.resource.resource, accountId: s.request.resource.accountId },
    s.request.action,
    new ctxMod.RequestContextImpl(s.request.contextVariables)
  )
  return core.authorize({
    request,
    sessionPolicy: undefined,
    identityPolicies: loaded.identityPolicies,
    serviceControlPolicies: loaded.serviceControlPolicies,
    resourceControlPolicies: loaded.resourceControlPolicies,
    resourcePolicy: loaded.resourcePolicy,
    permissionBoundaries: loaded.permissionBoundaries,
    vpcEndpointPolicies: undefined,
    simulationParameters: params,
    serviceSettings: { s3: { blockPublicAccess: undefined } }
  }).result
}

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
