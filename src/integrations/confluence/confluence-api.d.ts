// confluence-api 1.4.0 ships no types; only what ConfluenceGateway calls is declared.
declare module 'confluence-api' {
  type Callback = (err: unknown, data?: any) => void;
  interface ConfluenceOptions {
    username: string;
    password: string;
    baseUrl: string;
    version?: number;
  }
  class Confluence {
    constructor(options: ConfluenceOptions);
    getSpaceHomePage(space: string, callback: Callback): void;
    getCustomContentById(options: { id: string; expanders?: string[] }, callback: Callback): void;
    getContentByPageTitle(space: string, title: string, callback: Callback): void;
    postContent(space: string, title: string, content: string, parentId: string | null, callback: Callback, representation?: string): void;
    putContent(
      space: string,
      id: string,
      version: number,
      title: string,
      content: string,
      callback: Callback,
      minorEdit?: boolean,
      representation?: string,
    ): void;
    deleteContent(id: string, callback: Callback): void;
    getAttachments(space: string, id: string, callback: Callback): void;
    createAttachment(space: string, id: string, filepath: string, callback: Callback): void;
    updateAttachmentData(space: string, id: string, attachmentId: string, filepath: string, callback: Callback): void;
    getLabels(id: string, callback: Callback): void;
    postLabels(id: string, labels: Array<{ prefix: string; name: string }>, callback: Callback): void;
    search(query: string, callback: Callback): void;
  }
  export = Confluence;
}
