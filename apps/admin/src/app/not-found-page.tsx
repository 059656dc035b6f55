import { Button, EmptyState } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from './page-header';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <EmptyState title="There is nothing here" description="The address may be mistyped, or the page was moved.">
        <EmptyState.Actions>
          <Button component={Link} to="/clients" variant="light">
            Go to clients
          </Button>
        </EmptyState.Actions>
      </EmptyState>
    </>
  );
}
