import { Box, Text, Title } from '@mantine/core';
import { GrantsList } from '../grants/grants-list';

/** Apps acting for people: every remembered consent and refresh-token grant, revocable. */
export function GrantsSection() {
  return (
    <Box component="section" aria-labelledby="grants-heading">
      <Title order={2} size="h3" id="grants-heading">
        Grants (apps acting for people)
      </Title>
      <Text size="sm" c="dimmed" mb="sm">
        What people allowed apps to do for them. Revoking a grant ends every token issued under it.
      </Text>
      <GrantsList
        query={{}}
        emptyTitle="No grants"
        emptyDescription="When a person allows an app to act for them, the grant shows here."
      />
    </Box>
  );
}
