/**
 * Every table, column and relationship the emulated environment knows: the standard tables plus
 * whatever imported solutions add. Navigation properties are derived from relationships, the way
 * the Web API derives them (web-api-navigation-properties).
 */
import type {
  AttributeMetadata,
  EntityMetadata,
  ManyToManyRelationship,
  OneToManyRelationship,
  OptionMetadata,
} from "./model";
import { isLookupType } from "./model";

export type Navigation =
  | { kind: "single"; name: string; relationship: OneToManyRelationship; target: EntityMetadata; attribute: string }
  | { kind: "collection"; name: string; relationship: OneToManyRelationship; target: EntityMetadata }
  | { kind: "manyToMany"; name: string; relationship: ManyToManyRelationship; target: EntityMetadata; side: 1 | 2 };

export interface AttributeMap {
  source: string;
  target: string;
}

export class MetadataCatalog {
  private readonly entities = new Map<string, EntityMetadata>();
  private readonly bySetName = new Map<string, EntityMetadata>();
  private readonly oneToMany = new Map<string, OneToManyRelationship>();
  private readonly manyToMany = new Map<string, ManyToManyRelationship>();
  private readonly globalOptionSets = new Map<string, OptionMetadata[]>();
  /** "source>target" → attribute maps used when one record is created from another (QualifyLead). */
  private readonly entityMaps = new Map<string, AttributeMap[]>();
  /** Bumped on every change so derived caches (navigation lookups) know to rebuild. */
  private generation = 0;
  private navigationCache = new Map<string, Map<string, Navigation>>();
  private navigationCacheGeneration = -1;

  allEntities(): EntityMetadata[] {
    return [...this.entities.values()];
  }

  entity(logicalName: string): EntityMetadata | undefined {
    return this.entities.get(logicalName);
  }

  requireEntity(logicalName: string): EntityMetadata {
    const entity = this.entities.get(logicalName);
    if (!entity) throw new Error(`Table '${logicalName}' is not defined in this environment.`);
    return entity;
  }

  entityBySetName(setName: string): EntityMetadata | undefined {
    return this.bySetName.get(setName);
  }

  /** Adds a table, or merges columns and keys into an existing one (a solution extending opportunity). */
  upsertEntity(entity: EntityMetadata): EntityMetadata {
    const existing = this.entities.get(entity.logicalName);
    if (!existing) {
      this.entities.set(entity.logicalName, entity);
      this.bySetName.set(entity.entitySetName, entity);
      this.generation++;
      return entity;
    }
    for (const [name, attribute] of entity.attributes) {
      const current = existing.attributes.get(name);
      // A solution shipping a shell of a system table must not downgrade its system columns.
      if (!current || attribute.isCustom) existing.attributes.set(name, mergeAttribute(current, attribute));
    }
    for (const key of entity.keys) {
      if (!existing.keys.some((k) => k.logicalName === key.logicalName)) existing.keys.push(key);
    }
    this.generation++;
    return existing;
  }

  addAttribute(entityLogicalName: string, attribute: AttributeMetadata): void {
    this.requireEntity(entityLogicalName).attributes.set(attribute.logicalName, attribute);
    this.generation++;
  }

  addOneToMany(relationship: OneToManyRelationship): void {
    // One lookup column points at one table through one relationship; a solution re-declaring a
    // system relationship under its exported name replaces ours.
    for (const [name, existing] of this.oneToMany) {
      if (
        name !== relationship.schemaName &&
        existing.referencingEntity === relationship.referencingEntity &&
        existing.referencingAttribute === relationship.referencingAttribute &&
        existing.referencedEntity === relationship.referencedEntity
      ) {
        this.oneToMany.delete(name);
      }
    }
    this.oneToMany.set(relationship.schemaName, relationship);
    const referencing = this.entities.get(relationship.referencingEntity);
    const attribute = referencing?.attributes.get(relationship.referencingAttribute);
    if (attribute && isLookupType(attribute.type)) {
      const targets = new Set(attribute.targets ?? []);
      targets.add(relationship.referencedEntity);
      attribute.targets = [...targets];
    }
    this.generation++;
  }

  addManyToMany(relationship: ManyToManyRelationship): void {
    this.manyToMany.set(relationship.schemaName, relationship);
    this.generation++;
  }

  oneToManyRelationships(): OneToManyRelationship[] {
    return [...this.oneToMany.values()];
  }

  manyToManyRelationships(): ManyToManyRelationship[] {
    return [...this.manyToMany.values()];
  }

  setGlobalOptionSet(name: string, options: OptionMetadata[]): void {
    this.globalOptionSets.set(name, options);
    for (const entity of this.entities.values()) {
      for (const attribute of entity.attributes.values()) {
        if (attribute.optionSetName === name) attribute.options = options;
      }
    }
  }

  globalOptionSet(name: string): OptionMetadata[] | undefined {
    return this.globalOptionSets.get(name);
  }

  addAttributeMaps(source: string, target: string, maps: AttributeMap[]): void {
    const key = `${source}>${target}`;
    const current = this.entityMaps.get(key) ?? [];
    for (const map of maps) {
      if (!current.some((m) => m.source === map.source && m.target === map.target)) current.push(map);
    }
    this.entityMaps.set(key, current);
  }

  attributeMaps(source: string, target: string): AttributeMap[] {
    return this.entityMaps.get(`${source}>${target}`) ?? [];
  }

  /** Navigation properties of a table by name. */
  navigations(logicalName: string): Map<string, Navigation> {
    if (this.navigationCacheGeneration !== this.generation) {
      this.navigationCache = new Map();
      this.navigationCacheGeneration = this.generation;
    }
    let result = this.navigationCache.get(logicalName);
    if (result) return result;
    result = new Map();
    for (const relationship of this.oneToMany.values()) {
      const referenced = this.entities.get(relationship.referencedEntity);
      const referencing = this.entities.get(relationship.referencingEntity);
      if (!referenced || !referencing) continue;
      if (relationship.referencingEntity === logicalName) {
        result.set(relationship.referencingEntityNavigationPropertyName, {
          kind: "single",
          name: relationship.referencingEntityNavigationPropertyName,
          relationship,
          target: referenced,
          attribute: relationship.referencingAttribute,
        });
      }
      if (relationship.referencedEntity === logicalName) {
        result.set(relationship.referencedEntityNavigationPropertyName, {
          kind: "collection",
          name: relationship.referencedEntityNavigationPropertyName,
          relationship,
          target: referencing,
        });
      }
    }
    for (const relationship of this.manyToMany.values()) {
      const one = this.entities.get(relationship.entity1LogicalName);
      const two = this.entities.get(relationship.entity2LogicalName);
      if (!one || !two) continue;
      if (relationship.entity1LogicalName === logicalName) {
        result.set(relationship.entity1NavigationPropertyName, { kind: "manyToMany", name: relationship.entity1NavigationPropertyName, relationship, target: two, side: 1 });
      }
      if (relationship.entity2LogicalName === logicalName) {
        result.set(relationship.entity2NavigationPropertyName, { kind: "manyToMany", name: relationship.entity2NavigationPropertyName, relationship, target: one, side: 2 });
      }
    }
    this.navigationCache.set(logicalName, result);
    return result;
  }

  navigation(logicalName: string, name: string): Navigation | undefined {
    return this.navigations(logicalName).get(name);
  }

  /** The single-valued navigation property that sets `attribute` to a row of `target`. */
  navigationForLookup(logicalName: string, attribute: string, target: string): string | undefined {
    for (const navigation of this.navigations(logicalName).values()) {
      if (navigation.kind === "single" && navigation.attribute === attribute && navigation.target.logicalName === target) return navigation.name;
    }
    return undefined;
  }

  /** Relationships pointing at a table, for cascades when one of its rows is deleted. */
  relationshipsReferencing(logicalName: string): OneToManyRelationship[] {
    return [...this.oneToMany.values()].filter((r) => r.referencedEntity === logicalName);
  }
}

function mergeAttribute(current: AttributeMetadata | undefined, next: AttributeMetadata): AttributeMetadata {
  if (!current) return next;
  return { ...current, ...next, targets: [...new Set([...(current.targets ?? []), ...(next.targets ?? [])])] };
}
