import { resourceId } from './ids.js';

export interface Image {
  id: string;
  name: string;
  status: 'queued' | 'saving' | 'active';
  diskFormat: string;
  containerFormat: string;
  size: number;
  checksum: string;
  visibility: 'public' | 'private';
  ownerProjectId: string | undefined;
  createdAt: Date;
}

export interface NewImage {
  name: string;
  diskFormat: string;
  containerFormat: string;
  size: number;
  checksum: string;
  visibility: 'public' | 'private';
  ownerProjectId: string | undefined;
  createdAt: Date;
}

/** Glance v2 image records; names are not unique in Glance, ids are. */
export class GlanceState {
  readonly images = new Map<string, Image>();

  addImage(image: NewImage): Image {
    const created: Image = { id: resourceId(), status: 'active', ...image };
    this.images.set(created.id, created);
    return created;
  }

  visibleTo(projectId: string | undefined, isAdmin: boolean): Image[] {
    return [...this.images.values()]
      .filter((image) => isAdmin || image.visibility === 'public' || image.ownerProjectId === projectId)
      .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /** By id, else by name when exactly one visible image carries it. */
  resolve(nameOrId: string, visible: Image[]): Image | undefined {
    const byId = visible.find((image) => image.id === nameOrId);
    if (byId) return byId;
    const named = visible.filter((image) => image.name === nameOrId);
    return named.length === 1 ? named[0] : undefined;
  }
}
