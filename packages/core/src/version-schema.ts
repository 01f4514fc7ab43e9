// A kernel version field of something read from outside (a config file, an API request, a queued job's
// JSON), as zod sees it: canonical text in, a parsed KernelVersion out, the parser's reason as the issue.
import { z } from 'zod';
import { parseKernelVersion, type KernelVersion } from './versions.js';

export const kernelVersionSchema: z.ZodType<KernelVersion, string> = z.string().transform((text, ctx) => {
  try {
    return parseKernelVersion(text);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
    return z.NEVER;
  }
});
