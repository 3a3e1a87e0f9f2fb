import {
  createContext,
  useContext,
  useSyncExternalStore,
  type AnchorHTMLAttributes,
  type MouseEvent,
} from 'react';
import type { NavigateOptions, RouteLocation, Router } from './router.js';

const RouterContext = createContext<Router | null>(null);

export const RouterProvider = RouterContext.Provider;

const useRouter = (): Router => {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter needs a RouterProvider');
  return router;
};

/** The current location; re-renders on navigation. */
export const useLocation = (): RouteLocation => {
  const router = useRouter();
  return useSyncExternalStore(router.subscribe, router.location);
};

export const useNavigate = (): ((to: string, options?: NavigateOptions) => void) => useRouter().navigate;

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { readonly to: string };

/** An in-app link: a real `<a href>` (open in new tab works) that navigates without a reload. */
export const Link = ({ to, onClick, ...rest }: LinkProps) => {
  const navigate = useNavigate();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    const plain = event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
    if (event.defaultPrevented || !plain || rest.target) return;
    event.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={handleClick} {...rest} />;
};
