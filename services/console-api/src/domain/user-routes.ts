import { notFound } from '@clickstream/lambda-kit';
import * as z from 'zod';
import { keepAnAdmin, localAccounts, publicUser } from './accounts.js';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import { conflict } from './errors.js';
import { LocalUser, Username } from './model.js';
import { hashPassword, Password } from './passwords.js';
import { Role } from './roles.js';

const PublicUser = LocalUser.omit({ passwordHash: true }).extend({ permissions: z.array(z.string()) });
const CreateUser = z.object({ username: Username, password: Password, role: Role, disabled: z.boolean().default(false) }).strict();
const UpdateUser = z.object({ role: Role.optional(), password: Password.optional(), disabled: z.boolean().optional() }).strict();

function usernameParam(value: string | undefined): string {
  const parsed = Username.safeParse(value);
  if (!parsed.success) throw notFound(`No user ${value}.`);
  return parsed.data;
}

export const userRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/users',
    summary: 'Local users (embedded mode without OIDC)',
    permission: 'users:manage',
    response: z.object({ users: z.array(PublicUser) }),
    run: async (_, ports) => ({ status: 200, body: { users: (await localAccounts(ports).listUsers()).map(publicUser) } }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/users',
    summary: 'Create a local user with a role',
    permission: 'users:manage',
    body: CreateUser,
    response: PublicUser,
    successStatus: 201,
    run: async ({ body }, ports) => {
      const accounts = localAccounts(ports);
      const now = new Date(ports.clock.now()).toISOString();
      const user: LocalUser = {
        username: body.username,
        role: body.role,
        disabled: body.disabled,
        passwordHash: await hashPassword(body.password),
        createdAt: now,
        updatedAt: now,
      };
      if (!(await accounts.createUser(user))) throw conflict('USER_EXISTS', `User ${body.username} exists.`);
      return { status: 201, body: publicUser(user) };
    },
  }),
  defineRoute({
    method: 'PATCH',
    path: '/api/users/:username',
    summary: "Change a user's role, password or disabled flag (signs them out everywhere)",
    permission: 'users:manage',
    body: UpdateUser,
    response: PublicUser,
    run: async ({ params, body }, ports) => {
      const accounts = localAccounts(ports);
      const username = usernameParam(params.username);
      const user = await accounts.getUser(username);
      if (!user) throw notFound(`No user ${username}.`);
      const next: LocalUser = {
        ...user,
        role: body.role ?? user.role,
        disabled: body.disabled ?? user.disabled,
        passwordHash: body.password ? await hashPassword(body.password) : user.passwordHash,
        updatedAt: new Date(ports.clock.now()).toISOString(),
      };
      await keepAnAdmin(accounts, username, next);
      if (!(await accounts.updateUser(next))) throw notFound(`No user ${username}.`);
      if (next.role !== user.role || next.disabled !== user.disabled || body.password) await accounts.deleteSessionsOf(username);
      return { status: 200, body: publicUser(next) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/users/:username',
    summary: 'Delete a local user and their sessions',
    permission: 'users:manage',
    successStatus: 204,
    run: async ({ params }, ports) => {
      const accounts = localAccounts(ports);
      const username = usernameParam(params.username);
      if (!(await accounts.getUser(username))) throw notFound(`No user ${username}.`);
      await keepAnAdmin(accounts, username, 'deleted');
      await accounts.deleteUser(username);
      return { status: 204, body: undefined };
    },
  }),
];
