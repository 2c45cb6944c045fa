import { createHash } from 'node:crypto';
import type { PlannedStep, RenderContext, ServiceStep, Step } from './model.js';
import { shellArgs, shellQuote } from './render/shell.js';
import { resolveTemplate } from './render/template.js';
import { maskSecrets } from './secrets.js';

export type PlannedStepPosition = Pick<PlannedStep, 'phaseKey' | 'storyKey' | 'position'>;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function serviceCommands(step: ServiceStep): { run: string; guard?: string } {
  const names = shellArgs(step.services);
  const enable = step.enabled ? `systemctl enable ${names} && ` : '';
  if (step.state === 'restarted') return { run: `${enable}systemctl restart ${names}` };
  const probes = step.services.flatMap((service) => [
    ...(step.enabled ? [`systemctl is-enabled --quiet ${shellQuote(service)}`] : []),
    `systemctl is-active --quiet ${shellQuote(service)}`,
  ]);
  return { run: `${enable}systemctl start ${names}`, guard: probes.join(' && ') };
}

/** Make one step concrete for one node: render templates, hash files, spell out probes. */
export function renderStep(step: Step, ctx: RenderContext, at: PlannedStepPosition): PlannedStep {
  const base: PlannedStep = { ...at, key: step.key, node: ctx.node.name, kind: step.kind, title: step.title };
  switch (step.kind) {
    case 'command': {
      const planned: PlannedStep = { ...base, run: resolveTemplate(step.run, ctx) };
      if (step.guard !== undefined) planned.guard = resolveTemplate(step.guard, ctx);
      return planned;
    }
    case 'file': {
      const content = resolveTemplate(step.content, ctx);
      const hash = sha256(content);
      const holdsSecret = Object.values(ctx.secrets).some((secret) => secret && content.includes(secret));
      const path = shellQuote(step.path);
      // stat prints the mode without leading zeros: 0640 → 640, 1777 → 1777.
      const attributes = `${step.owner}:${step.group} ${Number.parseInt(step.mode, 8).toString(8)}`;
      return {
        ...base,
        // Content, owner and mode: a right file a service cannot read is not right. The engine uploads
        // (setting all three) only when this probe fails, then runs `run` and restarts `notify`.
        guard: `sha256sum ${path} 2>/dev/null | grep -q '^${hash} ' && [ "$(stat -c '%U:%G %a' ${path})" = ${shellQuote(attributes)} ]`,
        run: `chown ${shellQuote(`${step.owner}:${step.group}`)} ${path} && chmod ${shellQuote(step.mode)} ${path}`,
        file: {
          path: step.path,
          content,
          sha256: hash,
          holdsSecret,
          digest: holdsSecret ? sha256(maskSecrets(content, ctx.secrets)) : hash,
          mode: step.mode,
          owner: step.owner,
          group: step.group,
          language: step.language,
          notify: step.notify ?? [],
          backup: !holdsSecret,
        },
      };
    }
    case 'service':
      return { ...base, ...serviceCommands(step) };
    case 'verify': {
      const verify: NonNullable<PlannedStep['verify']> = { format: step.format, expect: resolveTemplate(step.expect, ctx) };
      if (step.retry) verify.retry = step.retry;
      if (step.sensitive?.length) verify.sensitive = step.sensitive;
      return { ...base, run: resolveTemplate(step.run, ctx), verify };
    }
  }
}
