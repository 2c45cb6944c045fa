import { generateKeyPair } from '../key-pairs.js';
import { fail, ok, type LabCommandHandler } from '../lab-host.js';

/** ssh-keygen [-q] [-t type] [-N passphrase] [-f file]: writes a real key pair (refuses to overwrite unless told "y"). */
export const sshKeygen: LabCommandHandler = async (args, { fs, env, stdin }) => {
  let type = 'rsa';
  let file: string | undefined;
  let quiet = false;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '-t') type = args[++i] ?? 'rsa';
    else if (args[i] === '-f') file = args[++i];
    else if (args[i] === '-N' || args[i] === '-C' || args[i] === '-b') i++;
    else if (args[i] === '-q') quiet = true;
  }
  if (type !== 'rsa' && type !== 'ed25519') return fail(`unknown key type ${type}`);

  const home = env.HOME ?? '/root';
  const path = file ?? `${home}/.ssh/id_${type}`;
  if ((await fs.exists(path)) && !/^y/i.test(stdin.trim())) return fail(`${path} already exists.\nOverwrite (y/n)? `);
  const user = env.USER ?? 'root';
  const keys = generateKeyPair(type, `${user}@lab`);
  await fs.mkdir(path.slice(0, path.lastIndexOf('/')) || '/', { recursive: true });
  await fs.writeFile(path, keys.private);
  await fs.chmod(path, 0o600);
  await fs.writeFile(`${path}.pub`, `${keys.public}\n`);
  await fs.chmod(`${path}.pub`, 0o644);
  return ok(quiet ? '' : `Your identification has been saved in ${path}.\nYour public key has been saved in ${path}.pub.\n`);
};
