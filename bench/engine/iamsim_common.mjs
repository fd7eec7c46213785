// What iamsim_runner.mjs and iamsim_batch.mjs share: iam-simulate's modules (the peer we measure against;
// AGPL, never a dependency), the names a byoc-iam batch's policies get, loading a simulation's policies, and
// one core.authorize() call with runUnsafeSimulation's parameters (Strict mode, no discovery keys).
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'

export const named = (docs) => (docs || []).map((policy, i) => ({ name: `p${i}`, policy }))
export const levels = (lvls) => (lvls || []).map((docs, i) => ({ orgIdentifier: `ou-${i}`, policies: named(docs) }))

export async function peer(modules) {
  const mod = (path) => import(pathToFileURL(join(modules, path)).href)
  const base = '@cloud-copilot/iam-simulate/dist/esm/'
  const sim = await mod(base + 'index.js')
  const core = await mod(base + 'core_engine/CoreSimulatorEngine.js')
  const reqMod = await mod(base + 'request/request.js')
  const ctxMod = await mod(base + 'requestContext.js')
  const dckMod = await mod(base + 'context_keys/discoveryContextKeyConstraints.js')
  const { loadPolicy } = await mod('@cloud-copilot/iam-policy/dist/esm/index.js')
  const params = { simulationMode: 'Strict', discoveryContextKeyConstraints: new dckMod.DiscoveryContextKeyConstraints([]) }
  const load = (x) => loadPolicy(x.policy, { name: x.name })
  const loadLevels = (lvls) => lvls.map((lv) => ({ orgIdentifier: lv.orgIdentifier, policies: lv.policies.map(load) }))
  // a simulation's policies, loaded (the session policy too, which runUnsafeSimulation drops; the resource
  // policy named, since an unnamed one crashes its resource-policy analysis)
  const loadAll = (s) => ({
    sessionPolicy: s.sessionPolicy ? loadPolicy(s.sessionPolicy, { name: 'session' }) : undefined,
    identityPolicies: s.identityPolicies.map(load),
    serviceControlPolicies: loadLevels(s.serviceControlPolicies),
    resourceControlPolicies: loadLevels(s.resourceControlPolicies),
    resourcePolicy: s.resourcePolicy ? loadPolicy(s.resourcePolicy, { name: 'resource' }) : undefined,
    permissionBoundaries: s.permissionBoundaryPolicies?.map(load)
  })
  // the decision of one simulation's request against policies loaded by loadAll
  const authorize = (s, loaded) =>
    core.authorize({
      request: new reqMod.AwsRequestImpl(
        s.request.principal,
        { resource: s.request.resource.resource, accountId: s.request.resource.accountId },
        s.request.action,
        new ctxMod.RequestContextImpl(s.request.contextVariables)
      ),
      ...loaded,
      vpcEndpointPolicies: undefined,
      simulationParameters: params,
      serviceSettings: { s3: { blockPublicAccess: undefined } }
    }).result
  return { sim, loadAll, authorize }
}
