/**
 * The methods of a service interface: its function-valued members (`events` is not one). What the
 * far side may call is exactly these.
 */
export type MethodsOf<Service> = {
  [K in keyof Service]-?: Service[K] extends (...args: never[]) => unknown ? K : never;
}[keyof Service] &
  string;

type NotListed<Service, List extends readonly string[]> = Exclude<MethodsOf<Service>, List[number]>;

/**
 * Declares a service's method list: every method of `Service`, and nothing else. A method added to
 * the interface and not listed fails type-checking here, naming it (`methodsNotListed`), instead of
 * failing at run time with "No such method".
 */
export const methodList =
  <Service>() =>
  <const List extends readonly MethodsOf<Service>[]>(
    list: List &
      ([NotListed<Service, List>] extends [never] ? unknown : { methodsNotListed: NotListed<Service, List> }),
  ): List =>
    list;
