/** The page's address as Confluence Cloud prints it (`_links.webui`): /spaces/KEY/pages/ID/Title+words. */
export function pageWebUi(spaceKey: string, id: string, title: string): string {
  return `/spaces/${encodeURIComponent(spaceKey)}/pages/${id}/${encodeURIComponent(title).replace(/%20/g, '+')}`;
}
