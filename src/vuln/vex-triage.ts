// The triage file `pith vex` reads: a small YAML document of decisions (vulnerability → status,
// justification, statements; optionally the image's packages it is about), validated with the OpenVEX
// v0.2.0 rules: not_affected needs a justification or an impact statement, affected an action statement.
import { z } from 'zod';
import { VEX_JUSTIFICATIONS, VEX_STATUSES } from './types.ts';

const statement = z
  .strictObject({
    vulnerability: z.string().min(1).describe('CVE-…, GHSA-… or another id a feed uses'),
    status: z.enum(VEX_STATUSES),
    justification: z.enum(VEX_JUSTIFICATIONS).optional(),
    impact_statement: z.string().min(1).optional(),
    action_statement: z.string().min(1).optional(),
    status_notes: z.string().min(1).optional(),
    packages: z
      .array(z.string().min(1))
      .optional()
      .describe(
        'Names of the image’s packages it is about (default: those a feed matched, else the whole image)',
      ),
  })
  .refine((s) => s.status !== 'not_affected' || s.justification || s.impact_statement, {
    message: 'not_affected needs a justification or an impact_statement',
    path: ['justification'],
  })
  .refine((s) => s.status !== 'affected' || s.action_statement, {
    message: 'affected needs an action_statement',
    path: ['action_statement'],
  });

export const triageSchema = z.strictObject({
  author: z.string().min(1).optional().describe('Who made these decisions (default: pith)'),
  statements: z.array(statement).default([]),
});

export type Triage = z.output<typeof triageSchema>;
