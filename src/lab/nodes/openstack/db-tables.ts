/** A representative part of the schema each `db sync` creates, so `SHOW TABLES` has something real to show. */
export const SYNCED_TABLES: Record<'keystone' | 'glance' | 'nova' | 'neutron', readonly string[]> = {
  keystone: [
    'access_token', 'assignment', 'config_register', 'consumer', 'credential', 'domain', 'endpoint',
    'endpoint_group', 'federation_protocol', 'group', 'id_mapping', 'identity_provider', 'idp_remote_ids',
    'mapping', 'migrate_version', 'policy', 'policy_association', 'project', 'project_endpoint',
    'project_endpoint_group', 'region', 'request_token', 'revocation_event', 'role', 'sensitive_config',
    'service', 'service_provider', 'token', 'trust', 'trust_role', 'user', 'user_group_membership',
    'whitelisted_config',
  ],
  glance: [
    'artifact_blob_locations', 'artifact_blobs', 'artifact_dependencies', 'artifact_properties', 'artifact_tags',
    'artifacts', 'image_locations', 'image_members', 'image_properties', 'image_tags', 'images',
    'metadef_namespace_resource_types', 'metadef_namespaces', 'metadef_objects', 'metadef_properties',
    'metadef_resource_types', 'metadef_tags', 'migrate_version', 'task_info', 'tasks',
  ],
  nova: [
    'agent_builds', 'aggregate_hosts', 'aggregate_metadata', 'aggregates', 'block_device_mapping', 'bw_usage_cache',
    'cells', 'certificates', 'compute_nodes', 'console_pools', 'consoles', 'fixed_ips', 'floating_ips',
    'instance_actions', 'instance_faults', 'instance_info_caches', 'instance_metadata', 'instance_system_metadata',
    'instance_type_extra_specs', 'instance_types', 'instances', 'key_pairs', 'migrate_version', 'migrations',
    'quota_usages', 'quotas', 'reservations', 'security_group_rules', 'security_groups', 'services',
  ],
  neutron: [
    'agents', 'alembic_version', 'allowedaddresspairs', 'ipallocationpools', 'ipallocations', 'ml2_network_segments',
    'ml2_port_bindings', 'networks', 'ports', 'routers', 'securitygroupportbindings', 'securitygrouprules',
    'securitygroups', 'subnets',
  ],
};
