import { conflict, NotFoundByName } from './api-errors.js';
import { keystoneId } from './ids.js';

export interface Project {
  id: string;
  name: string;
  domainId: string;
  description: string;
  enabled: boolean;
}

export interface User {
  id: string;
  name: string;
  domainId: string;
  password: string | undefined;
  email: string | undefined;
  enabled: boolean;
}

export interface Role {
  id: string;
  name: string;
}

export interface RoleAssignment {
  userId: string;
  projectId: string;
  roleId: string;
}

export interface CatalogService {
  id: string;
  name: string;
  type: string;
  description: string;
  enabled: boolean;
}

export type EndpointInterface = 'public' | 'internal' | 'admin';

export interface Endpoint {
  id: string;
  serviceId: string;
  region: string;
  interface: EndpointInterface;
  url: string;
  enabled: boolean;
}

export interface Token {
  id: string;
  userId: string;
  projectId: string | undefined;
  expires: Date;
}

const byId = <T extends { id: string }>(a: T, b: T) => a.id.localeCompare(b.id);

/** Keystone's identity store and service catalog (SQL backend, `default` domain only). */
export class KeystoneState {
  readonly projects = new Map<string, Project>();
  readonly users = new Map<string, User>();
  readonly roles = new Map<string, Role>();
  readonly assignments: RoleAssignment[] = [];
  readonly services = new Map<string, CatalogService>();
  readonly endpoints = new Map<string, Endpoint>();
  readonly tokens = new Map<string, Token>();

  createProject(name: string, domainId: string, description: string): Project {
    if (this.findByName(this.projects, name)) throw conflict('project');
    const project = { id: keystoneId(), name, domainId, description, enabled: true };
    this.projects.set(project.id, project);
    return project;
  }

  createUser(name: string, domainId: string, password: string | undefined, email?: string): User {
    if (this.findByName(this.users, name)) throw conflict('user');
    const user = { id: keystoneId(), name, domainId, password, email, enabled: true };
    this.users.set(user.id, user);
    return user;
  }

  createRole(name: string): Role {
    if (this.findByName(this.roles, name)) throw conflict('role');
    const role = { id: keystoneId(), name };
    this.roles.set(role.id, role);
    return role;
  }

  /** Granting twice is a no-op, as Keystone v3's PUT on the grant is. */
  grant(userId: string, projectId: string, roleId: string): void {
    const exists = this.assignments.some((a) => a.userId === userId && a.projectId === projectId && a.roleId === roleId);
    if (!exists) this.assignments.push({ userId, projectId, roleId });
  }

  rolesOf(userId: string, projectId: string): Role[] {
    return this.assignments
      .filter((a) => a.userId === userId && a.projectId === projectId)
      .map((a) => this.roles.get(a.roleId))
      .filter((role): role is Role => role !== undefined);
  }

  /** Keystone allows several services with one name or type; only lookups by name then fail. */
  createService(name: string, type: string, description: string): CatalogService {
    const service = { id: keystoneId(), name, type, description, enabled: true };
    this.services.set(service.id, service);
    return service;
  }

  createEndpoint(serviceId: string, region: string, iface: EndpointInterface, url: string): Endpoint {
    const endpoint = { id: keystoneId(), serviceId, region, interface: iface, url, enabled: true };
    this.endpoints.set(endpoint.id, endpoint);
    return endpoint;
  }

  deleteEndpoint(id: string): boolean {
    return this.endpoints.delete(id);
  }

  issueToken(userId: string, projectId: string | undefined, now: Date): Token {
    const token = { id: keystoneId(), userId, projectId, expires: new Date(now.getTime() + 3600_000) };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The catalog entry a client would pick: the service of that type with an endpoint on that interface. */
  endpointFor(serviceType: string, iface: EndpointInterface): Endpoint | undefined {
    const serviceIds = new Set([...this.services.values()].filter((s) => s.type === serviceType && s.enabled).map((s) => s.id));
    return [...this.endpoints.values()].find((e) => serviceIds.has(e.serviceId) && e.interface === iface);
  }

  list<T extends { id: string }>(items: Map<string, T>): T[] {
    return [...items.values()].sort(byId);
  }

  /** Resolve a CLI argument the way openstackclient's find_resource does: id first, then unique name. */
  find<T extends { id: string; name: string }>(items: Map<string, T>, kind: string, nameOrId: string): T {
    const found = items.get(nameOrId) ?? this.findByName(items, nameOrId);
    if (!found) throw new NotFoundByName(kind, nameOrId);
    return found;
  }

  findService(nameOrType: string): CatalogService {
    const byIdHit = this.services.get(nameOrType);
    if (byIdHit) return byIdHit;
    const named = [...this.services.values()].filter((s) => s.name === nameOrType);
    const typed = [...this.services.values()].filter((s) => s.type === nameOrType);
    const matches = named.length > 0 ? named : typed;
    if (matches.length > 1) throw new Error(`More than one service exists with the name '${nameOrType}'.`);
    if (matches.length === 0) throw new NotFoundByName('service', nameOrType);
    return matches[0];
  }

  private findByName<T extends { name: string }>(items: Map<string, T>, name: string): T | undefined {
    return [...items.values()].find((item) => item.name === name);
  }
}
