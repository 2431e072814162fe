/** Environment variables set for a test file, and put back as they were after it. */

/** Sets `variables` in process.env; returns the function that puts every one of them back (or removes it). */
export function setEnvironment(variables: Readonly<Record<string, string>>): () => void {
  const saved = Object.entries(variables).map(([name]) => [name, process.env[name]] as const);
  Object.assign(process.env, variables);
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}
